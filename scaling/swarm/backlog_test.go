package swarm_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/scaling"
	scalingswarm "github.com/opskit-dev/opskit/scaling/swarm"
)

// queueBacklog reads a queue's ready plus unacknowledged messages from
// the RabbitMQ management API: the function a program passes to the
// controller (here over net/http; with opskit's bus it is bus.QueueMetrics).
func queueBacklog(mgmtURL, user, password, queue string) scaling.MetricFunc {
	hc := &http.Client{Timeout: 5 * time.Second}
	return func(ctx context.Context, _ scaling.GroupState) (float64, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, mgmtURL+"/api/queues/%2F/"+url.PathEscape(queue), nil)
		if err != nil {
			return 0, err
		}
		req.SetBasicAuth(user, password)
		resp, err := hc.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("management API: %s", resp.Status)
		}
		var q struct {
			Ready   *float64 `json:"messages_ready"`
			Unacked *float64 `json:"messages_unacknowledged"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&q); err != nil {
			return 0, err
		}
		if q.Ready == nil || q.Unacked == nil {
			return 0, fmt.Errorf("management API: no message counts yet for queue %q", queue)
		}
		return *q.Ready + *q.Unacked, nil
	}
}

// TestSwarmBacklog scales a service of FROM scratch queue workers (200 ms
// a message, one at a time) on a RabbitMQ queue's backlog, from zero and
// back to zero: 240 messages with a target of 25 per worker (5 s latency
// / 0.2 s) ask for the maximum, 6; once the queue is drained (unacked
// messages count, so no busy worker is stopped) the service returns to 0.
func TestSwarmBacklog(t *testing.T) {
	rmq := testenv.RabbitMQ(t)
	cli := testenv.Docker(t)
	image := testenv.GoImage(t, cli, "./testdata/worker", "scaling-worker")
	queue := fmt.Sprintf("scaling-backlog-%d", time.Now().UnixNano())
	conn, err := amqp.Dial(rmq.Nodes[0].AMQPURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ch.QueueDeclare(queue, true, false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// A fresh connection: the test's own may have been closed by a
		// node restart elsewhere in the suite.
		if c, err := amqp.Dial(rmq.Nodes[0].AMQPURL); err == nil {
			if ch, err := c.Channel(); err == nil {
				_, _ = ch.QueueDelete(queue, false, false, false)
			}
			_ = c.Close()
		}
	})

	id := testenv.SwarmService(t, cli, "scaling-backlog", image, 0, nil, "consume", rmq.Nodes[0].AMQPURL, queue)
	svc, err := scalingswarm.NewService(cli, id, scalingswarm.ServiceOptions{Min: 0, Max: 6})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var actions []scaling.Decision
	ctl, err := scaling.NewController(scaling.ControllerOptions{Interval: 2 * time.Second,
		OnDecision: func(d scaling.Decision) {
			if d.Applied {
				mu.Lock()
				actions = append(actions, d)
				mu.Unlock()
				t.Logf("%s", d.Reason)
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	backlog := queueBacklog(rmq.Nodes[0].ManagementURL, rmq.User, rmq.Password, queue)
	err = ctl.Add(scaling.GroupConfig{Name: "workers", Group: svc,
		Spec: scaling.Spec{Policies: []scaling.Policy{&scaling.Backlog{Metric: "backlog",
			AcceptableLatency: 5 * time.Second, ProcessingTime: 200 * time.Millisecond}},
			ScaleIn: &scaling.Rules{Window: 15 * time.Second}},
		Metrics: map[string]scaling.MetricFunc{"backlog": backlog}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- ctl.Run(ctx) }()
	defer func() { _ = ctl.Close(); <-done }()

	const messages = 240
	for i := 0; i < messages; i++ {
		if err := ch.PublishWithContext(ctx, "", queue, false, false, amqp.Publishing{Body: []byte(fmt.Sprint(i)), DeliveryMode: amqp.Persistent}); err != nil {
			t.Fatal(err)
		}
	}
	published := time.Now()
	waitRunning(t, ctx, svc, 6)
	reaction := time.Since(published)
	mu.Lock()
	out := len(actions)
	mu.Unlock()
	for {
		n, err := backlog(ctx, scaling.GroupState{})
		if err == nil && n == 0 {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("queue never drained: %v messages, %v", n, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
	drained := time.Since(published)
	waitRunningAtMost(t, ctx, svc, 0)
	empty := time.Since(published)
	mu.Lock()
	defer mu.Unlock()
	t.Logf("%d messages: 6 workers running %v after publishing (%d actions); drained at %v; back to 0 at %v; %d actions in all",
		messages, reaction.Round(100*time.Millisecond), out, drained.Round(100*time.Millisecond), empty.Round(100*time.Millisecond), len(actions))
	if reaction > 30*time.Second {
		t.Errorf("took %v from publishing to 6 running workers; want under 30 s", reaction)
	}
	for _, d := range actions {
		if d.Direction == scaling.In && d.Policies[0].Value > 0 {
			t.Errorf("scaled in with %v messages ready or unacknowledged: %s", d.Policies[0].Value, d.Reason)
		}
	}
	if len(actions) > 6 {
		t.Errorf("%d scaling actions; want at most 6", len(actions))
	}
}
