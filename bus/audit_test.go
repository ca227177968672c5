package bus_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/bus"
	"github.com/opskit-dev/opskit/internal/testenv"
)

// TestAuditListeners proves bus.listeners.plaintext both ways. Fixed: the
// local cluster (plaintext on 127.0.0.1 only, TLS beside it) passes, read
// through the real management API over HTTPS. Misconfigured: listeners as
// the API reports them on a broker bound to every interface fail; the
// test cluster is never bound beyond loopback, so that side is the API's
// own JSON rather than a live listener.
func TestAuditListeners(t *testing.T) {
	t.Run("cluster", func(t *testing.T) {
		files := testenv.TLS(t)
		cl := testenv.RabbitMQ(t)
		m := &bus.Management{User: cl.User, Password: cl.Password, TLS: &bus.TLSConfig{CAFile: files.CAFile}}
		for _, n := range testenv.RabbitMQTLSEnv() {
			m.URLs = append(m.URLs, n.ManagementURL)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		fs := bus.Audit(ctx, m)
		var tlsSeen, plainLoopback int
		for _, f := range fs {
			if f.CheckID != "bus.listeners.plaintext" || f.Status != bus.StatusPass {
				t.Errorf("finding %s %s %s: %s %s; want pass", f.CheckID, f.Resource, f.Status, f.Evidence, f.Error)
			}
			if f.Evidence == "" {
				tlsSeen++
			} else {
				plainLoopback++
			}
		}
		// 3 amqp/ssl + 3 https, and 3 amqp + 3 http on loopback.
		if tlsSeen < 6 || plainLoopback < 6 {
			t.Errorf("%d TLS and %d loopback listeners; want at least 6 of each: %+v", tlsSeen, plainLoopback, fs)
		}
	})
	t.Run("exposed", func(t *testing.T) {
		var ls []bus.MgmtListener
		// As /api/overview lists them on a node with default listeners.
		if err := json.Unmarshal([]byte(`[
			{"node":"rabbit@mq1","protocol":"amqp","ip_address":"::","port":5672,"socket_opts":{"backlog":128}},
			{"node":"rabbit@mq1","protocol":"amqp/ssl","ip_address":"::","port":5671,"socket_opts":{}},
			{"node":"rabbit@mq1","protocol":"http","ip_address":"::","port":15672,"socket_opts":{"cowboy_opts":{"sendfile":false},"port":15672}},
			{"node":"rabbit@mq1","protocol":"http","ip_address":"::","port":15692,"socket_opts":{"ip":"127.0.0.1","port":15692}},
			{"node":"rabbit@mq1","protocol":"mqtt","ip_address":"10.0.0.5","port":1883,"socket_opts":[]},
			{"node":"rabbit@mq1","protocol":"clustering","ip_address":"::","port":25672,"socket_opts":[]}
		]`), &ls); err != nil {
			t.Fatal(err)
		}
		got := map[string]bus.Status{}
		for _, f := range bus.AuditListeners(ls) {
			got[f.Resource] = f.Status
		}
		want := map[string]bus.Status{
			"rabbit@mq1 amqp [::]:5672":       bus.StatusFail,
			"rabbit@mq1 amqp/ssl [::]:5671":   bus.StatusPass,
			"rabbit@mq1 http [::]:15672":      bus.StatusFail,
			"rabbit@mq1 http 127.0.0.1:15692": bus.StatusPass,
			"rabbit@mq1 mqtt 10.0.0.5:1883":   bus.StatusFail,
		}
		if len(got) != len(want) {
			t.Errorf("findings %v; want %v (clustering skipped)", got, want)
		}
		for r, st := range want {
			if got[r] != st {
				t.Errorf("%s: %s; want %s", r, got[r], st)
			}
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		fs := bus.Audit(context.Background(), &bus.Management{URLs: []string{"http://127.0.0.1:1"}})
		if len(fs) != 1 || fs[0].Status != bus.StatusError || fs[0].CheckID != "bus.listeners.plaintext" {
			t.Fatalf("Audit(unreachable) = %+v; want one error finding, never a pass", fs)
		}
	})
}
