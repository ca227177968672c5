package bus_test

import (
	"context"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/bus"
	"github.com/opskit-dev/opskit/internal/testenv"
)

// BenchmarkDial measures opening a Conn to node 1: plaintext, TLS verified
// against the test CA (PLAIN login), and TLS with a client certificate
// (EXTERNAL), side by side:
//
//	OPSKIT_INTEGRATION=1 go test -run '^$' -bench Dial -benchtime=50x ./bus/
func BenchmarkDial(b *testing.B) {
	cl := testenv.RabbitMQ(b)
	files := testenv.TLS(b)
	node := testenv.RabbitMQTLSEnv()[0]
	for _, bc := range []struct {
		name string
		opts bus.Options
	}{
		{"plain", bus.Options{URLs: []string{cl.Nodes[0].AMQPURL}}},
		{"tls", bus.Options{URLs: []string{node.AMQPSURL}, TLS: &bus.TLSConfig{CAFile: files.CAFile}}},
		{"tls-external", bus.Options{URLs: []string{"amqps://" + hostport(node.AMQPSURL) + "/"}, ExternalAuth: true,
			TLS: &bus.TLSConfig{CAFile: files.CAFile, CertFile: files.ClientCertFile, KeyFile: files.ClientKeyFile}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			opts := bc.opts
			opts.Name = "bench-dial-" + bc.name
			for b.Loop() {
				c, err := bus.Dial(ctx, opts)
				if err != nil {
					b.Fatal(err)
				}
				c.Close()
			}
		})
	}
}
