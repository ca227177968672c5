package rabbitmq_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/loggingfake"
	"github.com/opskit-dev/opskit/logging/rabbitmq"
)

// ship runs a source with opts into a fake sink until t ends, and returns
// the sink once the source has had a second to bind its queue.
func ship(t *testing.T, opts rabbitmq.Options) *loggingfake.Sink {
	t.Helper()
	src, err := rabbitmq.NewSource(opts)
	if err != nil {
		t.Fatal(err)
	}
	sink := loggingfake.NewSink(loggingfake.Options{Limits: &logging.Limits{}})
	p, _ := logging.NewPipeline(logging.Options{Linger: 10 * time.Millisecond}, sink)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx, src) }()
	t.Cleanup(func() { cancel(); <-done; _ = p.Close(context.Background()) })
	time.Sleep(time.Second)
	return sink
}

// TestEventExchange declares and deletes a queue and opens and closes a
// connection, and sees the broker's events arrive through the source.
func TestEventExchange(t *testing.T) {
	cluster := testenv.RabbitMQ(t)
	sink := ship(t, rabbitmq.Options{URLs: cluster.AMQPURLs(), Keys: []string{"queue.#", "connection.#"}})

	qname := fmt.Sprintf("opskit-logging-evt-%d", time.Now().UnixNano())
	connName := "opskit-logging-evt-conn-" + qname
	conn, err := amqp.DialConfig(cluster.Nodes[0].AMQPURL, amqp.Config{Properties: amqp.Table{"connection_name": connName}})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ch.QueueDeclare(qname, false, false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := ch.QueueDelete(qname, false, false, false); err != nil {
		t.Fatal(err)
	}
	_ = conn.Close()

	want := map[string]bool{"queue.created": false, "queue.deleted": false, "connection.created": false, "connection.closed": false}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		for _, r := range sink.All() {
			key := r.Fields["routing_key"]
			if _, ok := want[key]; !ok {
				continue
			}
			if strings.HasPrefix(key, "queue.") && r.Fields["name"] == qname {
				want[key] = true
			}
			if strings.HasPrefix(key, "connection.") && strings.Contains(r.Message, connName) {
				want[key] = true
			}
		}
		all := true
		for _, seen := range want {
			all = all && seen
		}
		if all {
			t.Logf("saw %v through %s (%d events in all)", want, rabbitmq.EventExchange, len(sink.All()))
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("events seen %v after 20 s (%d events)", want, len(sink.All()))
}

// TestLogExchange reads the broker's own log through amq.rabbitmq.log
// (services.sh sets log.exchange = true): opening a connection makes the
// node log "accepting AMQP connection ... (127.0.0.1:PORT -> ...)", and the
// line with this connection's client port must arrive.
func TestLogExchange(t *testing.T) {
	cluster := testenv.RabbitMQ(t)
	sink := ship(t, rabbitmq.Options{URLs: cluster.AMQPURLs(), Exchange: rabbitmq.LogExchange})

	conn, err := amqp.Dial(cluster.Nodes[1].AMQPURL)
	if err != nil {
		t.Fatal(err)
	}
	client := conn.LocalAddr().String() + " -> "
	_ = conn.Close()

	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		for _, r := range sink.All() {
			if strings.Contains(r.Message, client) && r.Fields["level"] == "info" && r.Fields["node"] == cluster.Nodes[1].Name {
				t.Logf("log line through %s: %q (routing key %s)", rabbitmq.LogExchange, r.Message, r.Fields["routing_key"])
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no log line naming %q in %d lines from %s", client, len(sink.All()), rabbitmq.LogExchange)
}

// TestLogExchangeMissing: in a virtual host without amq.rabbitmq.log the
// source must say so, with the setting that enables it, instead of
// waiting forever.
func TestLogExchangeMissing(t *testing.T) {
	cluster := testenv.RabbitMQ(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	vhost := fmt.Sprintf("opskit-nolog-%d", time.Now().UnixNano())
	node := cluster.Nodes[0].Name
	if _, err := cluster.Ctl(ctx, node, "add_vhost", vhost); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = cluster.Ctl(context.Background(), node, "delete_vhost", vhost) })
	if _, err := cluster.Ctl(ctx, node, "set_permissions", "-p", vhost, cluster.User, ".*", ".*", ".*"); err != nil {
		t.Fatal(err)
	}
	url := strings.TrimSuffix(cluster.Nodes[0].AMQPURL, "/") + "/" + vhost
	src, _ := rabbitmq.NewSource(rabbitmq.Options{URLs: []string{url}, Exchange: rabbitmq.LogExchange})
	p, _ := logging.NewPipeline(logging.Options{}, loggingfake.NewSink(loggingfake.Options{}))
	defer p.Close(context.Background())
	err := p.Run(ctx, src)
	if !errors.Is(err, rabbitmq.ErrNoExchange) || !strings.Contains(err.Error(), "log.exchange = true") {
		t.Fatalf("Run = %v; want ErrNoExchange with a hint", err)
	}
}

func TestOptionErrors(t *testing.T) {
	for _, o := range []rabbitmq.Options{{}, {URLs: []string{"http://x"}}, {URLs: []string{"amqp://h"}, Exchange: "amq.topic"}} {
		if _, err := rabbitmq.NewSource(o); !errors.Is(err, logging.ErrInvalid) {
			t.Fatalf("NewSource(%+v) = %v", o, err)
		}
	}
	_, err := rabbitmq.NewSource(rabbitmq.Options{URLs: []string{"http://guest:s3cret@h/"}})
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("error %v leaks the password", err)
	}
}
