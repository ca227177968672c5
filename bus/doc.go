// Package bus runs RabbitMQ across a cluster with at-least-once delivery, and
// ships an in-memory broker that behaves like it.
//
// # Connections over a node list
//
// Dial takes the AMQP URLs of every node, connects to a random one (or the
// first, with Options.InOrder, to place publishers and consumers on chosen
// nodes) and returns a *Conn that recovers on its own: when its node goes
// away it reconnects to the next node with exponential backoff and jitter,
// redeclares the topology applied through it, and its publishers and
// consumers restore their channels, prefetch, confirm mode and
// subscriptions. State changes are reported to Options.OnStateChange. The
// underlying amqp091-go notification channels are always buffered and drained
// inside the package, so nothing the caller does or does not read can stall
// the connection, and Close returns promptly.
//
// # Detecting a lost node
//
// A node that stops or crashes closes its connections, and the Conn fails
// over at once. A node that hangs (a frozen VM, a stalled disk, a network
// partition) keeps them open, and only the heartbeat notices: the connection
// uses the smaller of Options.Heartbeat (10 s by default) and the broker's
// heartbeat (RabbitMQ's default is 60 s), and amqp091-go, which sends a
// heartbeat every half interval, sets the socket's read deadline to three
// half intervals after every frame it reads. A node silent for 1.5 heartbeat
// intervals is declared dead: 15 s with the default, 3 s with a 2 s
// heartbeat. Lower Options.Heartbeat for faster failover, at the cost of
// false alarms on a loaded broker.
//
// Nothing in front of failover waits on the hung node. The socket is reset
// when the connection is declared dead, so a publish stuck writing to it
// fails and is republished on the next node. Publish honours its context even
// mid-write (the connection is then reset and the partial message discarded).
// The topology is redeclared in two phases (Options.RestoreTimeout): before
// the Conn reports StateOpen, only what can vanish with a connection or node
// (exclusive, auto-delete and transient queues and exchanges, and the
// bindings to or from them), within the bound; after it, in the background,
// the durable exchanges, queues and bindings, which are cluster metadata that
// survive the loss of a node, and whose redeclare waits for a lock the hung
// node holds until the cluster declares it down (net_ticktime, 60-75 s by
// default).
//
// # Topology as code
//
// A Topology lists exchanges (direct, fanout, topic, headers,
// x-consistent-hash), queues (classic, quorum, stream, with dead-lettering,
// delivery limit, length limit and overflow, TTL, single active consumer and
// placement: a classic queue, or a quorum queue's leader, on the declaring
// connection's node or the least loaded one) and bindings, including
// exchange-to-exchange bindings. Conn.Apply validates it all first
// (InvalidErrors lists every problem, each an *InvalidError naming the input,
// and nothing is declared), then declares it; it is idempotent. A redeclare with
// different arguments is a *ConflictError naming the entity and the argument
// (AMQP 406 PRECONDITION_FAILED). Diff compares a Topology with what a broker
// has, through an Inspector: the management API (*Management) or the fake.
//
// # Publishing and consuming
//
// A *Publisher uses publisher confirms with a bounded, pipelined window;
// every message gets a stable ID; messages unconfirmed when a connection
// drops are republished after recovery; while the broker blocks the
// connection (connection.blocked) Publish waits and honours its context.
// Flush and Close wait for outstanding confirms within a deadline. Messages
// are mandatory by default, so a confirm means a queue has the message: one
// no queue takes (no binding matches, or its classic queue's node is down)
// fails with a *ReturnedError matching ErrUnroutable (or with ErrNacked, when
// the broker nacks it) instead of being confirmed and dropped.
// Message.DropUnroutable is the explicit fire-and-forget choice for messages
// that may be lost.
//
// A *Consumer is a worker pool over one queue: per-queue concurrency and
// prefetch, a Handler returning Ack, Requeue or Reject (dead-letter),
// graceful shutdown, recovery through the Conn, and deliveries that expose
// the message ID and the redelivered flag so handlers can deduplicate.
//
// Conn.DeclareWorkerQueues spreads work over the cluster: N quorum queues with
// balanced leaders behind a consistent-hash exchange, reporting each queue's
// leader so its consumers can connect to that node (PreferURL). QueueMetrics
// returns a metrics.Queue (package bus/metrics has no dependencies) from the
// management API, or from a passive declare when it is not reachable.
//
// # TLS and audit
//
// amqps:// URLs are dialed with Options.TLS, a TLSConfig (the CA bundle,
// a client certificate, a server name; verification always on unless the
// loudly named InsecureSkipVerifyDangerous is set); ExternalAuth logs in
// with the client certificate (SASL EXTERNAL). Management takes the same
// TLSConfig for HTTPS. A refused certificate comes back as a
// *CertificateError naming the node and saying why. Audit reads the
// listeners through the management API and reports plaintext ones on
// non-loopback addresses in the shared finding model.
//
// # Backends and the conformance suite
//
// The Conn runs over the small interface in package bus/driver. The default
// backend is amqp091-go (bus/amqpdriver); bus/busfake is an in-memory broker
// with RabbitMQ's routing, dead-lettering, prefetch, confirm and return
// semantics. Package bus/bustest holds the behavioural suite both pass, run
// by this package's tests as TestConformance/fake and
// TestConformance/rabbitmq (and TestConformance/rabbitmq-tls over TLS);
// run bustest.Run with your own Harness to check
// another backend.
//
// Measured throughput (BenchmarkPublishConfirmed against amqp091-go and
// go-rabbitmq) and node-loss counts (TestNodeLoss) are in the repository's
// README, not here, so that they are kept in one place.
package bus
