package database

import (
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Policy chooses among healthy replicas.
type Policy int

const (
	// RoundRobin spreads reads evenly over healthy replicas.
	RoundRobin Policy = iota
	// LeastLag sends reads to the healthy replica with the smallest replay lag.
	LeastLag
)

// RouterOptions configures a Router. Zero values take the defaults shown.
type RouterOptions struct {
	// Replicas are the DSNs of the hot standbys (DialRouter only).
	Replicas []string
	// MaxLagBytes is the largest replay lag, in WAL bytes behind the
	// primary's current LSN, at which a replica still serves reads
	// (default 16 MiB).
	MaxLagBytes int64
	// MaxLagTime bounds how stale a read on a replica may be: a replica
	// serves reads only while it is known to hold everything the primary
	// wrote MaxLagTime ago, measured against the primary's WAL position
	// (see Decide). Keep it several CheckIntervals long: the router's view
	// of the primary's position is as fine as its probe rounds. Keep
	// CheckInterval + CheckTimeout (or ReadAttemptTimeout) below it too: a
	// read waiting on a hung replica is abandoned only then, and one that
	// the replica answers after thawing sees what it had when it froze
	// (default 10s).
	MaxLagTime time.Duration
	// Policy picks among healthy replicas (default RoundRobin).
	Policy Policy
	// CheckInterval is how often every node is probed (default 1s).
	CheckInterval time.Duration
	// CheckTimeout bounds one probe (default 2s).
	CheckTimeout time.Duration
	// ReadYourWritesTimeout bounds how long a Session read waits for a
	// replica to replay past the session's last write before it reads from
	// the primary instead (default 500ms). After a wait on a replica ran
	// out, session reads go straight to the primary until a probe shows
	// that replica's replay moving again.
	ReadYourWritesTimeout time.Duration
	// ReadAttemptTimeout, when positive, bounds each attempt of a read:
	// an attempt that runs longer is cancelled and the read is retried
	// once on another node (another readable replica, or else the
	// primary), under the same bound and the caller's deadline. Zero
	// leaves attempts bounded by the caller's context only. Either way an
	// attempt running on a node the router marks down (a probe or another
	// read found it unreachable) is abandoned at once and retried the
	// same way.
	ReadAttemptTimeout time.Duration
	// DNSInterval is how often the host names of DialRouter's nodes are
	// re-resolved; when a node's addresses change its pool is reset so no
	// connection stays pinned to the old address (default 30s; negative
	// disables).
	DNSInterval time.Duration
	// Resolver resolves host names (default net.DefaultResolver).
	Resolver Resolver
	// TLS, when set, makes DialRouter's pools connect over TLS verified
	// with it (ApplyTLS: sslmode=verify-full whatever the DSNs say). Without
	// it, the DSNs' sslmode, sslrootcert, sslcert and sslkey apply.
	TLS *TLSConfig
	// ConfigurePool, when set, adjusts the pool configuration of each node
	// DialRouter makes, before the pool is created (sizes, IAM tokens in
	// BeforeConnect...).
	ConfigurePool func(cfg *pgxpool.Config, primary bool)
	// OnEvent, when set, is called for every routing change.
	OnEvent func(Event)
}

func (o *RouterOptions) defaults() {
	if o.MaxLagBytes <= 0 {
		o.MaxLagBytes = 16 << 20
	}
	if o.MaxLagTime <= 0 {
		o.MaxLagTime = 10 * time.Second
	}
	if o.CheckInterval <= 0 {
		o.CheckInterval = time.Second
	}
	if o.CheckTimeout <= 0 {
		o.CheckTimeout = 2 * time.Second
	}
	if o.ReadYourWritesTimeout <= 0 {
		o.ReadYourWritesTimeout = 500 * time.Millisecond
	}
	if o.DNSInterval == 0 {
		o.DNSInterval = 30 * time.Second
	}
	if o.Resolver == nil {
		o.Resolver = netResolver{}
	}
}
