package database

import (
	"sort"
	"time"
)

// Probe is one node's health-check result, what the router reads from
// pg_is_in_recovery(), pg_current_wal_lsn() (primary) or
// pg_last_wal_replay_lsn() / pg_last_wal_receive_lsn() (standby), and
// now() - pg_last_xact_replay_timestamp().
type Probe struct {
	Reachable  bool
	InRecovery bool
	// LSN is the current WAL position on a primary, the replay position
	// on a standby; ReceiveLSN is what a standby has received.
	LSN, ReceiveLSN uint64
	// ReplayAge is now() - pg_last_xact_replay_timestamp(); HasReplay is
	// false when the standby has replayed no transaction yet.
	ReplayAge time.Duration
	HasReplay bool
	Err       error
}

// Decision is where the router sends traffic after a probe round.
type Decision struct {
	// Primary is the index of the node writes go to, -1 when none.
	Primary int
	// Readable are the indexes of replicas within the lag bounds, least
	// lag first.
	Readable []int
	// Status is the per-node view, LagBytes and LagTime filled in.
	Status []NodeStatus
	// PrimaryLSN is the primary's WAL position used for the lag (the
	// previous one when no primary answered).
	PrimaryLSN uint64
}

// Decide applies the router's rules to one probe round: the primary is the
// reachable node not in recovery (preferring current, the index of the
// present primary or -1); a standby is readable when its replay lag behind
// the primary's current LSN is at most MaxLagBytes and its replay age at
// most MaxLagTime, where a standby that has replayed everything it
// received (or reached the primary's LSN) counts as caught up however old
// its last replayed transaction is (an idle primary writes nothing).
// prevPrimaryLSN is used when no primary answered. The Router calls it
// after every round; tests of automation can call it with probes from
// dbfake.Cluster.
func Decide(opts RouterOptions, current int, prevPrimaryLSN uint64, probes []Probe, now time.Time) Decision {
	opts.defaults()
	d := Decision{Primary: -1, PrimaryLSN: prevPrimaryLSN, Status: make([]NodeStatus, len(probes))}
	for i, p := range probes {
		if p.Reachable && !p.InRecovery && (d.Primary == -1 || i == current) {
			d.Primary = i
		}
	}
	if d.Primary >= 0 {
		d.PrimaryLSN = probes[d.Primary].LSN
	}
	type cand struct {
		i   int
		lag int64
	}
	var readable []cand
	for i, p := range probes {
		st := NodeStatus{Reachable: p.Reachable, InRecovery: p.InRecovery, LSN: p.LSN, ReceiveLSN: p.ReceiveLSN, CheckedAt: now, Err: p.Err, Primary: i == d.Primary}
		if p.Reachable && p.InRecovery {
			if d.PrimaryLSN > p.LSN {
				st.LagBytes = int64(d.PrimaryLSN - p.LSN)
			}
			caughtUp := p.LSN >= p.ReceiveLSN || st.LagBytes == 0
			switch {
			case caughtUp:
			case p.HasReplay:
				st.LagTime = p.ReplayAge
			default:
				st.LagTime = opts.MaxLagTime + time.Second // unknown: assume behind
			}
			if st.LagBytes <= opts.MaxLagBytes && st.LagTime <= opts.MaxLagTime {
				st.Readable = true
				readable = append(readable, cand{i, st.LagBytes})
			}
		}
		d.Status[i] = st
	}
	sort.SliceStable(readable, func(a, b int) bool { return readable[a].lag < readable[b].lag })
	for _, c := range readable {
		d.Readable = append(d.Readable, c.i)
	}
	return d
}
