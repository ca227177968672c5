package database

import (
	"sort"
	"time"
)

// WALSample is the primary's WAL position as a probe round saw it: At is
// when the round started, so everything the primary wrote before At is at
// or below LSN.
type WALSample struct {
	At  time.Time
	LSN uint64
}

// Decision is where the router sends traffic after a probe round.
type Decision struct {
	// Primary is the index of the node writes go to, -1 when none.
	Primary int
	// Readable are the indexes of replicas within the lag bounds, least
	// lag first.
	Readable []int
	// Status is the per-node view, LagBytes, LagTime and ReadableUntil
	// filled in.
	Status []NodeStatus
	// PrimaryLSN is the primary's WAL position used for the lag (the
	// latest known one when no primary answered).
	PrimaryLSN uint64
	// History is the primary's WAL positions over time, this round's
	// included, to pass to the next Decide.
	History []WALSample
}

// Decide applies the router's rules to one probe round started at now.
//
// The primary is the reachable node not in recovery (preferring current,
// the index of the present primary, or -1).
//
// A standby's lag is measured against the primary, never against what the
// standby itself has received: LagBytes is the primary's LSN minus the
// standby's replay LSN, and the standby is known to hold everything the
// primary wrote before its freshness time F, the later of
//   - the time of the latest sample in history (the primary's positions
//     seen by earlier rounds, this round's added) whose LSN the standby
//     has replayed, and
//   - the commit time of the last transaction it replayed (now minus
//     ReplayAge).
//
// LagTime is now - F: an upper bound on how stale a read there is. A
// standby whose replay reached the primary's current LSN has F = now
// however old its last replayed transaction (an idle primary writes
// nothing); one with no usable sample and no replayed transaction has an
// unknown lag, reported as MaxLagTime + 1s. A standby is readable when
// LagBytes <= MaxLagBytes and LagTime < MaxLagTime, and only until
// ReadableUntil = F + MaxLagTime: staleness grows at most as fast as the
// clock, so a standby whose next probe is late (hung, frozen, slow) stops
// taking reads before any read there can be staler than MaxLagTime.
//
// When no primary answers a round, the lag cannot be measured: a standby
// that has replayed the last position the router saw the primary at stays
// readable (ReadableUntil is renewed each round), so reads survive a
// primary outage; a primary that is only cut off from the router may have
// written more meanwhile, which such reads do not see.
//
// The Router calls Decide after every round with the history of the
// previous Decision; tests of automation can call it with probes from
// databasefake.Cluster.Probes.
func Decide(opts RouterOptions, current int, history []WALSample, probes []Probe, now time.Time) Decision {
	opts.defaults()
	d := Decision{Primary: -1, Status: make([]NodeStatus, len(probes))}
	for i, p := range probes {
		if p.Reachable && !p.InRecovery && (d.Primary == -1 || i == current) {
			d.Primary = i
		}
	}
	d.History = nextHistory(opts, history, current, d.Primary, probes, now)
	if n := len(d.History); n > 0 {
		d.PrimaryLSN = d.History[n-1].LSN
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
			fresh := freshness(d.History, p, now)
			until := fresh.Add(opts.MaxLagTime)
			if d.Primary < 0 && len(d.History) > 0 && p.LSN >= d.PrimaryLSN {
				// No primary answered: nothing says it wrote more, and
				// reads stay available on what it last had (see Decide).
				until = now.Add(opts.MaxLagTime)
			}
			if fresh.IsZero() {
				st.LagTime = opts.MaxLagTime + time.Second // unknown: assume behind
			} else {
				st.LagTime = max(now.Sub(fresh), 0)
				st.ReadableUntil = until
			}
			if st.LagBytes <= opts.MaxLagBytes && !fresh.IsZero() && now.Before(until) {
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

// freshness returns the time before which the standby p holds everything
// the primary wrote, or the zero time when nothing says.
func freshness(history []WALSample, p Probe, now time.Time) time.Time {
	var fresh time.Time
	for j := len(history) - 1; j >= 0; j-- {
		if history[j].LSN <= p.LSN {
			fresh = history[j].At
			break
		}
	}
	if p.HasReplay {
		if t := now.Add(-p.ReplayAge); t.After(fresh) {
			fresh = t
		}
	}
	if fresh.After(now) {
		fresh = now
	}
	return fresh
}

// historyKeep is how far back the history reaches, in multiples of
// MaxLagTime (older samples only serve to report a larger LagTime), and
// historyMax caps its length.
const (
	historyKeep = 4
	historyMax  = 1024
)

// nextHistory adds this round's primary position to history. A new
// primary, or a position behind the last one (another timeline), starts a
// new history; samples that repeat an LSN keep only the latest time, and
// samples older than historyKeep × MaxLagTime are dropped.
func nextHistory(opts RouterOptions, history []WALSample, current, primary int, probes []Probe, now time.Time) []WALSample {
	if primary < 0 {
		return history // no news: keep what is known
	}
	lsn := probes[primary].LSN
	if current >= 0 && primary != current || len(history) > 0 && lsn < history[len(history)-1].LSN {
		history = nil
	}
	cutoff := now.Add(-historyKeep * opts.MaxLagTime)
	out := make([]WALSample, 0, min(len(history), historyMax-1)+1)
	for _, s := range history[max(len(history)-(historyMax-1), 0):] {
		if s.At.Before(cutoff) {
			continue
		}
		if n := len(out); n > 0 && out[n-1].LSN == s.LSN {
			out[n-1] = s
			continue
		}
		out = append(out, s)
	}
	if n := len(out); n > 0 && out[n-1].LSN == lsn {
		out[n-1].At = now
	} else {
		out = append(out, WALSample{At: now, LSN: lsn})
	}
	return out
}
