package logging_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/bulk"
	"github.com/opskit-dev/opskit/logging/bulk/bulkfake"
	"github.com/opskit-dev/opskit/logging/cloudwatch"
	"github.com/opskit-dev/opskit/logging/loggingfake"
	"github.com/opskit-dev/opskit/logging/loggingtest"
	"github.com/opskit-dev/opskit/logging/tcp"
)

// TestConformance runs the sink suite once per implementation: the fake
// (with CloudWatch's limits, and deduplicating with a 4 KiB event limit
// split or truncated), CloudWatch Logs on moto, the bulk sink on bulkfake,
// and the tcp sink on a loopback receiver.
func TestConformance(t *testing.T) {
	small := logging.CloudWatchLimits(0)
	small.MaxEventBytes = 4096
	truncate := small
	truncate.Oversize = logging.Truncate
	for _, impl := range []struct {
		name string
		opts loggingfake.Options
	}{
		{"fake", loggingfake.Options{}},
		{"fake-dedupe", loggingfake.Options{Limits: &small, Deduplicate: true}},
		{"fake-truncate-dedupe", loggingfake.Options{Limits: &truncate, Deduplicate: true}},
	} {
		t.Run(impl.name, func(t *testing.T) {
			loggingtest.Run(t, func(t *testing.T) loggingtest.Harness {
				return fakeHarness{sink: loggingfake.NewSink(impl.opts), dedupe: impl.opts.Deduplicate}
			})
		})
	}
	t.Run("cloudwatch", func(t *testing.T) {
		c := cwl.NewFromConfig(testenv.AWS(t))
		loggingtest.Run(t, func(t *testing.T) loggingtest.Harness { return newCloudWatchHarness(t, c) })
	})
	t.Run("bulk", func(t *testing.T) {
		loggingtest.Run(t, func(t *testing.T) loggingtest.Harness { return newBulkHarness(t) })
	})
	t.Run("tcp", func(t *testing.T) {
		loggingtest.Run(t, func(t *testing.T) loggingtest.Harness { return newTCPHarness(t) })
	})
}

// The harnesses whose backends differ from one that stores every event as
// written declare how; the tcp receiver stores everything.
var (
	_ loggingtest.Capable = fakeHarness{}
	_ loggingtest.Capable = cloudWatchHarness{}
	_ loggingtest.Capable = bulkHarness{}
	_ loggingtest.Harness = (*tcpHarness)(nil)
)

// fakeHarness declares what the fake's limits enforce.
type fakeHarness struct {
	sink   *loggingfake.Sink
	dedupe bool
}

func (h fakeHarness) Sink() logging.Sink { return h.sink }

func (h fakeHarness) Read(_ context.Context, stream string, _ int) ([]loggingtest.Stored, error) {
	var out []loggingtest.Stored
	for _, r := range h.sink.Events(stream) {
		out = append(out, loggingtest.Stored{Time: r.Time, Message: r.Message})
	}
	return out, nil
}

func (h fakeHarness) Capabilities() loggingtest.Capabilities {
	lim := h.sink.Limits()
	return loggingtest.Capabilities{
		Deduplicates: h.dedupe, Chronological: lim.Chronological, MaxAge: lim.MaxAge, MaxFuture: lim.MaxFuture,
		MaxEventBytes: lim.MaxEventBytes, Oversize: lim.Oversize, PerEventOverhead: lim.PerEventOverhead,
		RejectsEmpty: lim.NoEmpty, RequiresStream: lim.StreamRequired,
	}
}

// cloudWatchHarness writes to a log group of its own on moto, deleted
// when the case ends so moto's shared state stays small.
type cloudWatchHarness struct {
	c     *cwl.Client
	group string
	sink  *cloudwatch.Sink
}

func newCloudWatchHarness(t *testing.T, c *cwl.Client) cloudWatchHarness {
	g := fmt.Sprintf("/opskit/test/%s/%d", strings.ReplaceAll(t.Name(), "/", "-"), time.Now().UnixNano())
	t.Cleanup(func() {
		_, _ = c.DeleteLogGroup(context.Background(), &cwl.DeleteLogGroupInput{LogGroupName: aws.String(g)})
	})
	// A small event limit keeps moto's state small.
	s, err := cloudwatch.NewSink(c, cloudwatch.Options{Group: g, RetentionDays: 7, MaxEventBytes: 1024})
	if err != nil {
		t.Fatal(err)
	}
	return cloudWatchHarness{c: c, group: g, sink: s}
}

func (h cloudWatchHarness) Sink() logging.Sink { return h.sink }

func (h cloudWatchHarness) Read(ctx context.Context, stream string, want int) ([]loggingtest.Stored, error) {
	for {
		evs, err := cloudwatch.ReadStream(ctx, h.c, h.group, stream)
		if err == nil && len(evs) >= want || ctx.Err() != nil {
			var out []loggingtest.Stored
			for _, e := range evs {
				out = append(out, loggingtest.Stored{Time: time.UnixMilli(aws.ToInt64(e.Timestamp)), Message: aws.ToString(e.Message)})
			}
			return out, err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (h cloudWatchHarness) Capabilities() loggingtest.Capabilities {
	lim := logging.CloudWatchLimits(0)
	return loggingtest.Capabilities{Chronological: true, MaxAge: lim.MaxAge, MaxFuture: lim.MaxFuture,
		MaxEventBytes: 1024, PerEventOverhead: lim.PerEventOverhead, RejectsEmpty: true, RequiresStream: true}
}

// bulkHarness writes to a bulkfake server that refuses requests above
// 256 KiB, through a sink that packs up to 200 KiB.
type bulkHarness struct {
	srv  *bulkfake.Server
	sink *bulk.Sink
}

func newBulkHarness(t *testing.T) bulkHarness {
	srv := bulkfake.NewServer(bulkfake.Options{MaxContentLength: 256 << 10})
	t.Cleanup(srv.Close)
	s, err := bulk.NewSink(bulk.Options{URL: srv.URL, MaxBytes: 200 << 10,
		Backoff: logging.Backoff{Initial: time.Millisecond, Max: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return bulkHarness{srv: srv, sink: s}
}

func (h bulkHarness) Sink() logging.Sink { return h.sink }

func (h bulkHarness) Read(_ context.Context, stream string, _ int) ([]loggingtest.Stored, error) {
	var out []loggingtest.Stored
	for _, d := range h.srv.Docs("") {
		var src struct {
			Timestamp time.Time `json:"@timestamp"`
			Message   string    `json:"message"`
			Stream    string    `json:"stream"`
		}
		if err := json.Unmarshal(d.Source, &src); err != nil {
			return nil, fmt.Errorf("document %s: %w", d.ID, err)
		}
		if src.Stream == stream {
			out = append(out, loggingtest.Stored{Time: src.Timestamp, Message: src.Message})
		}
	}
	return out, nil
}

func (h bulkHarness) Capabilities() loggingtest.Capabilities {
	return loggingtest.Capabilities{Deduplicates: true}
}

// tcpHarness writes JSON lines to a loopback receiver that keeps them by
// their "file" field (the event's Source; the suite names each stream's
// events after it, as a TCP line carries no stream). It declares no
// capabilities: the receiver stores every line as written.
type tcpHarness struct {
	sink *tcp.Sink
	mu   sync.Mutex
	got  map[string][]loggingtest.Stored
	bad  error
}

func newTCPHarness(t *testing.T) *tcpHarness {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &tcpHarness{got: map[string][]loggingtest.Stored{}}
	var wg sync.WaitGroup
	var conns []net.Conn
	var cmu sync.Mutex
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			cmu.Lock()
			conns = append(conns, c)
			cmu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				h.receive(c)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		cmu.Lock()
		for _, c := range conns {
			c.Close()
		}
		cmu.Unlock()
		wg.Wait()
	})
	h.sink, err = tcp.NewSink(tcp.Options{Addr: ln.Addr().String(), Framing: tcp.JSON, Host: "conformance"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.sink.Close(context.Background()) })
	return h
}

// receive parses JSON lines from one connection until it closes.
func (h *tcpHarness) receive(c net.Conn) {
	sc := bufio.NewScanner(c)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		var line struct {
			Timestamp time.Time `json:"timestamp"`
			File      string    `json:"file"`
			Message   string    `json:"message"`
		}
		err := json.Unmarshal(sc.Bytes(), &line)
		h.mu.Lock()
		if err != nil && h.bad == nil {
			h.bad = fmt.Errorf("receiver: line %.80q: %w", sc.Text(), err)
		}
		h.got[line.File] = append(h.got[line.File], loggingtest.Stored{Time: line.Timestamp, Message: line.Message})
		h.mu.Unlock()
	}
}

func (h *tcpHarness) Sink() logging.Sink { return h.sink }

// Read waits until the receiver parsed want lines of stream: Write
// returns once the peer's TCP stack acknowledged them, before this
// process's receiver read them.
func (h *tcpHarness) Read(ctx context.Context, stream string, want int) ([]loggingtest.Stored, error) {
	for {
		h.mu.Lock()
		got, bad := append([]loggingtest.Stored(nil), h.got[stream]...), h.bad
		h.mu.Unlock()
		if bad != nil {
			return nil, bad
		}
		if len(got) >= want {
			return got, nil
		}
		if ctx.Err() != nil {
			return got, errors.Join(fmt.Errorf("received %d of %d lines", len(got), want), ctx.Err())
		}
		time.Sleep(5 * time.Millisecond)
	}
}
