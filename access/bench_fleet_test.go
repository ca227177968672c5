package access_test

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/access"
)

// cpuTime is this process's user plus system CPU time.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkGrantFleet grants 20 users to 8, 16 and 32 real SSH hosts with
// Concurrency 4, 16, 64 and 128, and reports the controller's CPU per host
// (ctrl-cpu-ms/host), the mean HostResult.Duration (host-ms) and the wall
// time per host (wall-ms/host): the figures Options.Concurrency is sized
// from. On this machine the hosts share the controller's cores, so host-ms
// grows with the parallelism; the controller's CPU per host does not.
func BenchmarkGrantFleet(b *testing.B) {
	for _, n := range []int{8, 16, 32} {
		b.Run(fmt.Sprintf("hosts=%d", n), func(b *testing.B) {
			hosts := sshTestHosts(b, n)
			var users string
			for i := 0; i < benchUsers; i++ {
				_, line := newSigner(b, fmt.Sprintf("u%d", i))
				users += fmt.Sprintf("  - {name: fleet%02d, teams: [dev], keys: [%q]}\n", i, line)
			}
			tf, err := access.ParseTeamFile(context.Background(), "team.yaml", []byte(teamYAML(users)), access.LoadOptions{})
			if err != nil {
				b.Fatal(err)
			}
			var targets []access.Target
			var names []string
			for _, h := range hosts {
				targets = append(targets, access.Target{Host: h.Host, Groups: []string{"all"}})
			}
			for _, u := range tf.Users {
				names = append(names, u.Name)
			}
			for _, c := range []int{4, 16, 64, 128} {
				if c > 4*n {
					continue
				}
				b.Run(fmt.Sprintf("concurrency=%d", c), func(b *testing.B) {
					p, _ := access.NewProvisioner(access.Options{Concurrency: c})
					var cpu, wall, hostTime time.Duration
					for i := 0; i < b.N; i++ {
						b.StopTimer()
						if r, err := p.Revoke(context.Background(), names, targets); err != nil || r.Err() != nil {
							b.Fatalf("revoke: %v %v", err, r.Err())
						}
						b.StartTimer()
						c0, t0 := cpuTime(b), time.Now()
						r, err := p.Grant(context.Background(), tf, targets)
						wall += time.Since(t0)
						cpu += cpuTime(b) - c0
						if err != nil || r.Err() != nil {
							b.Fatalf("grant: %v %v", err, r.Err())
						}
						for _, hr := range r.Hosts {
							hostTime += hr.Duration
						}
					}
					per := float64(b.N * n)
					b.ReportMetric(float64(cpu.Milliseconds())/per, "ctrl-cpu-ms/host")
					b.ReportMetric(float64(wall.Milliseconds())/per, "wall-ms/host")
					b.ReportMetric(float64(hostTime.Milliseconds())/per, "host-ms")
				})
			}
		})
	}
}
