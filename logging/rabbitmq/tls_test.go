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
	"github.com/opskit-dev/opskit/logging/rabbitmq"
)

// TestTLSSource reads the event exchange over amqps:// with the test CA,
// and refuses a node whose certificate a wrong CA did not sign, naming the
// node and the reason.
func TestTLSSource(t *testing.T) {
	cluster := testenv.RabbitMQ(t)
	files := testenv.TLS(t)
	node := testenv.RabbitMQTLSEnv()[0].AMQPSURL

	sink := ship(t, rabbitmq.Options{URLs: []string{node}, Keys: []string{"queue.#"}, TLS: &rabbitmq.TLSConfig{CAFile: files.CAFile}})
	qname := fmt.Sprintf("opskit-logging-tls-%d", time.Now().UnixNano())
	conn, err := amqp.Dial(cluster.Nodes[0].AMQPURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for n := 0; ; n++ {
		// Declare until the source (which may still be connecting) sees one.
		q := fmt.Sprintf("%s-%d", qname, n)
		if _, err := ch.QueueDeclare(q, false, true, false, false, nil); err != nil {
			t.Fatal(err)
		}
		seen := false
		for _, r := range sink.All() {
			if r.Fields["routing_key"] == "queue.created" && len(r.Fields["name"]) > len(qname) && r.Fields["name"][:len(qname)] == qname {
				seen = true
			}
		}
		if seen {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no queue.created event arrived over amqps:// in 20 s (%d events)", len(sink.All()))
		}
		time.Sleep(200 * time.Millisecond)
	}

	// A CA that did not sign the node's certificate: Run ends with an
	// error that names the node and says why.
	other := testenv.NewTestCA(t, "opskit other CA")
	src, err := rabbitmq.NewSource(rabbitmq.Options{URLs: []string{node}, TLS: &rabbitmq.TLSConfig{CAPEM: other.CAPEM}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err = src.Run(ctx, discard{})
	var ce *rabbitmq.CertificateError
	if !errors.As(err, &ce) || !ce.UnknownAuthority() || !strings.Contains(err.Error(), "127.0.0.1:5671") {
		t.Fatalf("Run with the wrong CA: %v; want a CertificateError for an unknown authority naming the node", err)
	}
	t.Logf("refused as expected: %v", err)
}

// discard is an Emitter that drops events.
type discard struct{}

func (discard) Emit(context.Context, ...logging.Event) error { return nil }

// TestTLSOptionsInvalid refuses plain amqp:// URLs when TLS is set, before
// any connection.
func TestTLSOptionsInvalid(t *testing.T) {
	_, err := rabbitmq.NewSource(rabbitmq.Options{URLs: []string{"amqps://n1/", "amqp://n2/"}, TLS: &rabbitmq.TLSConfig{}})
	if !errors.Is(err, logging.ErrInvalid) || err.Error() != "logging: invalid rabbitmq.Options: URL #2: amqp:// would send in plaintext though Options.TLS is set; use amqps://" {
		t.Fatalf("err = %v", err)
	}
}
