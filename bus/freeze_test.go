package bus_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/bus"
	"github.com/opskit-dev/opskit/internal/testenv"
)

// freezeFor is how long TestFrozenNode keeps the node stopped: several
// heartbeat timeouts of the failover connection, well under the cluster's
// net_ticktime (60 s), so the other nodes never declare it down.
const freezeFor = 15 * time.Second

// stateLog records when a Conn lost its node and reopened on another one.
type stateLog struct {
	mu                 sync.Mutex
	lostAt, reopenedAt time.Time
	node               string
}

func (l *stateLog) on(sc bus.StateChange) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch sc.State {
	case bus.StateReconnecting:
		if l.lostAt.IsZero() {
			l.lostAt = time.Now()
		}
	case bus.StateOpen:
		if !l.lostAt.IsZero() && l.reopenedAt.IsZero() {
			l.reopenedAt, l.node = time.Now(), sc.Node
		}
	}
}

func (l *stateLog) get() (lost, reopened time.Time, node string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lostAt, l.reopenedAt, l.node
}

// pubLog is what one publishing loop sent: IDs confirmed, IDs whose Publish
// failed, the first confirm after a moment, and the longest Publish call.
type pubLog struct {
	mu      sync.Mutex
	cfs     map[string]*bus.Confirmation
	at      map[string]time.Time // when Publish returned
	failed  map[string]error
	longest time.Duration
}

// publishLoop publishes 32 KiB messages until stop, each Publish bounded by
// perMsg (none when zero), recording everything in the returned log.
func publishLoop(ctx context.Context, p *bus.Publisher, x, key, prefix string, perMsg time.Duration, stop <-chan struct{}, wg *sync.WaitGroup) *pubLog {
	l := &pubLog{cfs: map[string]*bus.Confirmation{}, at: map[string]time.Time{}, failed: map[string]error{}}
	body := make([]byte, 32<<10)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			id := prefix + strconv.Itoa(i)
			pctx, cancel := ctx, context.CancelFunc(func() {})
			if perMsg > 0 {
				pctx, cancel = context.WithTimeout(ctx, perMsg)
			}
			start := time.Now()
			cf, err := p.Publish(pctx, bus.Message{Exchange: x, RoutingKey: key, ID: id, Body: body})
			took := time.Since(start)
			cancel()
			l.mu.Lock()
			if took > l.longest {
				l.longest = took
			}
			if err != nil {
				l.failed[id] = err
			} else {
				l.cfs[id], l.at[id] = cf, time.Now()
			}
			l.mu.Unlock()
			if errors.Is(err, bus.ErrClosed) || ctx.Err() != nil {
				return
			}
		}
	}()
	return l
}

// resumedAfter waits until the Conn behind log has reopened, then until a
// message still unconfirmed at that moment is confirmed (a republished one
// or a new one), and returns when; zero if that does not happen by deadline.
func (l *pubLog) resumedAfter(log *stateLog, deadline time.Time) time.Time {
	for {
		if _, reopened, _ := log.get(); !reopened.IsZero() {
			break
		}
		if time.Now().After(deadline) {
			return time.Time{}
		}
		time.Sleep(20 * time.Millisecond)
	}
	settled := map[*bus.Confirmation]bool{}
	l.mu.Lock()
	for _, cf := range l.cfs {
		if isDone(cf) {
			settled[cf] = true
		}
	}
	l.mu.Unlock()
	for time.Now().Before(deadline) {
		l.mu.Lock()
		for _, cf := range l.cfs {
			if !settled[cf] && isDone(cf) && cf.Wait(context.Background()) == nil {
				l.mu.Unlock()
				return time.Now()
			}
		}
		l.mu.Unlock()
		time.Sleep(50 * time.Millisecond)
	}
	return time.Time{}
}

func isDone(cf *bus.Confirmation) bool {
	select {
	case <-cf.Done():
		return true
	default:
		return false
	}
}

// TestFrozenNode freezes (SIGSTOP) the node two publishers are connected to
// while they publish 32 KiB messages to a queue on another node, and thaws
// it after freezeFor.
//
// Connection "fo" has a 2 s heartbeat and applied a durable exchange, queue
// and binding: it must fail over in about the heartbeat detection time (1.5
// heartbeats), not wait for the binding's redeclare (which takes a lock the
// frozen node holds) nor for a publish stuck writing to the frozen node
// (issue 20, items 7 and 8), and its publisher must resume before the thaw.
//
// Connection "dl" has a 30 s heartbeat (no detection during the freeze) and
// publishes with a 2 s deadline per message: every Publish must return
// within its deadline, the connection must fail over because of the abort,
// and a message whose Publish failed must never be delivered.
//
// Every confirmed message of both must be consumed (0 lost).
func TestFrozenNode(t *testing.T) {
	cl := testenv.RabbitMQ(t)
	if len(cl.Nodes) < 3 {
		t.Skip("needs a 3-node cluster")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	a, b, c := cl.Nodes[0], cl.Nodes[1], cl.Nodes[2]
	urls := []string{a.AMQPURL, b.AMQPURL, c.AMQPURL}
	backoff := bus.Backoff{Initial: 50 * time.Millisecond, Max: time.Second}

	// The queue lives on node B: declared through a connection to B with
	// client-local placement.
	sub, err := bus.Dial(ctx, bus.Options{URLs: []string{b.AMQPURL, c.AMQPURL}, InOrder: true,
		Name: "bus-freeze-sub", Backoff: backoff})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	x, q := uniq("bus-freeze-x"), uniq("bus-freeze-q")
	topo := bus.Topology{
		Exchanges: []bus.Exchange{{Name: x, Kind: bus.Direct}},
		Queues:    []bus.Queue{{Name: q, Type: bus.Classic, LeaderLocator: "client-local"}},
		Bindings:  []bus.Binding{{Source: x, Destination: q, Key: "k"}},
	}
	if err := sub.Apply(ctx, topo); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_, _ = sub.DeleteQueue(context.Background(), q)
		_ = sub.DeleteExchange(context.Background(), x)
	}()
	var (
		seenMu sync.Mutex
		seen   = map[string]int{}
	)
	cons, err := sub.Consume(ctx, bus.ConsumerOptions{Queue: q, Concurrency: 4, Prefetch: 200},
		func(_ context.Context, d *bus.Delivery) bus.Action {
			seenMu.Lock()
			seen[d.MessageID]++
			seenMu.Unlock()
			return bus.Ack
		})
	if err != nil {
		t.Fatal(err)
	}
	defer cons.Close(context.Background())

	dial := func(name string, hb time.Duration, log *stateLog) *bus.Conn {
		t.Helper()
		conn, err := bus.Dial(ctx, bus.Options{URLs: urls, InOrder: true, Name: name, Heartbeat: hb,
			Backoff: backoff, OnStateChange: log.on})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = conn.Close() })
		if _, node := conn.State(); node != redactURL(a.AMQPURL) {
			t.Fatalf("%s connected to %s; want node A", name, node)
		}
		return conn
	}
	var foLog, dlLog stateLog
	fo := dial("bus-freeze-fo", 2*time.Second, &foLog)
	dl := dial("bus-freeze-dl", 30*time.Second, &dlLog)
	// fo remembers the durable exchange, queue and binding: after the
	// failover it redeclares them.
	if err := fo.Apply(ctx, topo); err != nil {
		t.Fatal(err)
	}
	foPub, err := fo.NewPublisher(ctx, bus.PublisherOptions{Window: bus.MaxWindow})
	if err != nil {
		t.Fatal(err)
	}
	dlPub, err := dl.NewPublisher(ctx, bus.PublisherOptions{Window: bus.MaxWindow})
	if err != nil {
		t.Fatal(err)
	}

	fz, err := cl.NewFreezer(ctx, t, a.Name)
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	foSent := publishLoop(ctx, foPub, x, "k", "fo-", 0, stop, &wg)
	const deadline = 2 * time.Second
	dlSent := []*pubLog{
		publishLoop(ctx, dlPub, x, "k", "dl1-", deadline, stop, &wg),
		publishLoop(ctx, dlPub, x, "k", "dl2-", deadline, stop, &wg),
	}
	var stopOnce sync.Once
	stopAll := func() { stopOnce.Do(func() { close(stop) }); wg.Wait() }
	defer stopAll()

	time.Sleep(time.Second) // publishing mid-stream
	if err := fz.Freeze(freezeFor + 30*time.Second); err != nil {
		t.Fatal(err)
	}
	frozeAt := time.Now()
	thawAt := frozeAt.Add(freezeFor)
	t.Logf("froze %s for %v", a.Name, freezeFor)
	foResumed := foSent.resumedAfter(&foLog, thawAt)
	time.Sleep(time.Until(thawAt))
	fz.Thaw()
	t.Logf("thawed %s; cluster healthy after %v", a.Name, time.Since(thawAt).Round(time.Millisecond))
	time.Sleep(time.Second)
	stopAll()

	flushCtx, flushCancel := context.WithTimeout(ctx, time.Minute)
	defer flushCancel()
	for name, p := range map[string]*bus.Publisher{"fo": foPub, "dl": dlPub} {
		if err := p.Flush(flushCtx); err != nil {
			t.Errorf("%s flush: %v", name, err)
		}
	}

	// Failover of fo: detection and reopen well before the thaw.
	lost, reopened, node := foLog.get()
	if lost.IsZero() || reopened.IsZero() {
		t.Fatalf("fo never failed over (lost %v, reopened %v)", lost, reopened)
	}
	t.Logf("fo: heartbeat detection %v, reopened on %s %v after the freeze, publisher resumed %v after the freeze",
		lost.Sub(frozeAt).Round(time.Millisecond), node, reopened.Sub(frozeAt).Round(time.Millisecond),
		durSince(foResumed, frozeAt))
	if node == redactURL(a.AMQPURL) {
		t.Errorf("fo reopened on the frozen node")
	}
	const bound = 8 * time.Second // detection 3 s, plus dial and scheduling on a loaded machine
	if d := reopened.Sub(frozeAt); d > bound {
		t.Errorf("fo reopened %v after the freeze; want within %v (about the heartbeat detection time, not the freeze)", d, bound)
	}
	if foResumed.IsZero() || foResumed.Sub(frozeAt) > bound+2*time.Second {
		t.Errorf("fo's publisher did not resume before the thaw (resumed %v after the freeze)", durSince(foResumed, frozeAt))
	}

	// dl: every Publish within its deadline; the abort failed the connection over.
	lost, reopened, node = dlLog.get()
	t.Logf("dl: lost %v after the freeze, reopened on %s %v after the freeze",
		durSince(lost, frozeAt), node, durSince(reopened, frozeAt))
	if reopened.IsZero() || reopened.After(thawAt) {
		t.Errorf("dl did not fail over before the thaw (lost %v, reopened %v after the freeze)", durSince(lost, frozeAt), durSince(reopened, frozeAt))
	}
	failedIDs := map[string]error{}
	for i, l := range dlSent {
		l.mu.Lock()
		t.Logf("dl%d: %d published, %d failed, longest Publish %v", i+1, len(l.cfs), len(l.failed), l.longest.Round(time.Millisecond))
		if l.longest > deadline+time.Second {
			t.Errorf("dl%d: a Publish with a %v deadline took %v", i+1, deadline, l.longest)
		}
		for id, err := range l.failed {
			failedIDs[id] = err
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("dl%d: Publish(%s) = %v; want context.DeadlineExceeded", i+1, id, err)
			}
		}
		l.mu.Unlock()
	}
	if len(failedIDs) == 0 {
		t.Errorf("no dl Publish hit its deadline: the node was not frozen mid-write?")
	}

	// Nothing confirmed is lost; nothing that failed is delivered.
	all := map[string]*bus.Confirmation{}
	for _, l := range append([]*pubLog{foSent}, dlSent...) {
		l.mu.Lock()
		for id, cf := range l.cfs {
			all[id] = cf
		}
		l.mu.Unlock()
	}
	var lostN, confirmed, unconfirmed int
	waitUntil := time.Now().Add(time.Minute)
	for {
		lostN, confirmed, unconfirmed = 0, 0, 0
		seenMu.Lock()
		for id, cf := range all {
			if !isConfirmed(cf) {
				unconfirmed++
				continue
			}
			confirmed++
			if seen[id] == 0 {
				lostN++
			}
		}
		seenMu.Unlock()
		if lostN == 0 || time.Now().After(waitUntil) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	seenMu.Lock()
	dups, delivered := 0, 0
	for id, n := range seen {
		dups += n - 1
		if _, ok := failedIDs[id]; ok {
			delivered++
		}
	}
	seenMu.Unlock()
	t.Logf("confirmed %d, unconfirmed %d, lost %d, duplicates %d, failed publishes delivered %d",
		confirmed, unconfirmed, lostN, dups, delivered)
	if lostN != 0 {
		t.Errorf("lost %d confirmed messages; want 0", lostN)
	}
	if delivered != 0 {
		t.Errorf("%d messages whose Publish failed were delivered; want 0", delivered)
	}
	if unconfirmed != 0 {
		t.Errorf("%d published messages never confirmed after the thaw", unconfirmed)
	}
}

func durSince(t, since time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.Sub(since).Round(time.Millisecond).String()
}
