package databasefake

import (
	"fmt"
	"sync"
	"time"

	"github.com/opskit-dev/opskit/database"
)

// Cluster simulates a primary with streaming standbys: writes advance the
// primary's WAL position; running standbys receive it at once and replay
// it unless replay is paused; stopped nodes do not answer; a promoted
// standby leaves recovery. Nodes gives a database.Node per server for
// database.NewRouter, and Probes what the router's health check would
// read, to feed database.Decide. A Cluster is safe for concurrent use.
type Cluster struct {
	mu     sync.Mutex
	now    func() time.Time
	nodes  []*fnode
	log    []commit // WAL records with their commit times
	answer Answer
}

type fnode struct {
	up, standby, paused bool
	deaf                bool   // WAL receiver stopped
	lsn, receive        uint64 // primary: current LSN; standby: replay and receive LSN
	replayedAt          time.Time
}

type commit struct {
	lsn uint64
	at  time.Time
	st  *Statement // nil for Write
}

// NewCluster returns node 0 as the primary and replicas standbys, all
// running and caught up at LSN 16 MiB; now supplies the clock.
func NewCluster(replicas int, now func() time.Time) *Cluster {
	if now == nil {
		now = time.Now
	}
	c := &Cluster{now: now}
	const start = 16 << 20
	c.nodes = append(c.nodes, &fnode{up: true, lsn: start})
	for range replicas {
		c.nodes = append(c.nodes, &fnode{up: true, standby: true, lsn: start, receive: start})
	}
	return c
}

func (c *Cluster) node(i int) *fnode {
	if i < 0 || i >= len(c.nodes) {
		panic(fmt.Sprintf("databasefake: no node %d", i))
	}
	return c.nodes[i]
}

// Write commits bytes of WAL on the primary (the node not in recovery).
func (c *Cluster) Write(bytes uint64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var p *fnode
	for _, n := range c.nodes {
		if !n.standby {
			p = n
		}
	}
	if p == nil || !p.up {
		return fmt.Errorf("databasefake: no running primary")
	}
	c.commit(p, bytes, nil)
	return nil
}

// commit appends a WAL record of size bytes on primary p and streams it.
func (c *Cluster) commit(p *fnode, bytes uint64, st *Statement) {
	p.lsn += bytes
	if st != nil {
		st.LSN = p.lsn
	}
	c.log = append(c.log, commit{lsn: p.lsn, at: c.now(), st: st})
	c.stream(p.lsn)
}

// stream delivers WAL up to lsn to every running standby.
func (c *Cluster) stream(lsn uint64) {
	for _, n := range c.nodes {
		if n.standby && n.up && !n.deaf {
			n.receive = max(n.receive, lsn)
			if !n.paused {
				c.replay(n)
			}
		}
	}
}

// replay applies everything received and records the commit time of the
// last transaction replayed, as pg_last_xact_replay_timestamp does.
func (c *Cluster) replay(n *fnode) {
	for _, w := range c.log {
		if w.lsn > n.lsn && w.lsn <= n.receive {
			n.replayedAt = w.at
		}
	}
	n.lsn = n.receive
}

func (c *Cluster) primaryLSN() uint64 {
	for _, n := range c.nodes {
		if !n.standby {
			return n.lsn
		}
	}
	return 0
}

// PauseReplay is pg_wal_replay_pause() on standby i.
func (c *Cluster) PauseReplay(i int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.node(i).paused = true
}

// ResumeReplay is pg_wal_replay_resume() on standby i.
func (c *Cluster) ResumeReplay(i int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.node(i)
	n.paused = false
	if n.up {
		c.replay(n)
	}
}

// StopReceiver stops standby i's WAL receiver: it keeps answering and
// replays what it has, but receives nothing new, so it has replayed
// everything it received while the primary moves on.
func (c *Cluster) StopReceiver(i int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.node(i).deaf = true
}

// StartReceiver restarts standby i's WAL receiver; it catches up at once.
func (c *Cluster) StartReceiver(i int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.node(i)
	n.deaf = false
	if n.up {
		c.stream(c.primaryLSN())
	}
}

// Stop stops node i; Start starts it again (a standby then catches up).
func (c *Cluster) Stop(i int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.node(i).up = false
}

// Start starts node i; a standby receives and replays what it missed.
func (c *Cluster) Start(i int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.node(i)
	n.up = true
	if n.standby {
		c.stream(c.primaryLSN())
	}
}

// Promote takes standby i out of recovery (pg_promote); the old primary,
// if still running, keeps claiming to be one until it is stopped, as a
// split brain would.
func (c *Cluster) Promote(i int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.node(i)
	n.standby, n.paused = false, false
}

// Probes returns each node's health-check result.
func (c *Cluster) Probes() []database.Probe {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]database.Probe, len(c.nodes))
	for i := range c.nodes {
		out[i] = c.probe(i)
	}
	return out
}

// probe is node i's health-check result; c.mu is held.
func (c *Cluster) probe(i int) database.Probe {
	n := c.nodes[i]
	if !n.up {
		return database.Probe{Err: refused(i)}
	}
	p := database.Probe{Reachable: true, InRecovery: n.standby, LSN: n.lsn}
	if n.standby {
		p.ReceiveLSN = n.receive
		if !n.replayedAt.IsZero() {
			p.HasReplay = true
			p.ReplayAge = c.now().Sub(n.replayedAt)
		}
	}
	return p
}
