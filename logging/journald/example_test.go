package journald_test

import (
	"context"
	"os/signal"
	"syscall"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/journald"
	"github.com/opskit-dev/opskit/logging/tcp"
)

// Ship the sshd and sudo entries of warning priority or worse to a TCP
// collector, resuming after the last acknowledged entry on restart.
func ExampleNewSource() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	src, err := journald.NewSource(journald.Options{
		Units:      []string{"ssh.service", "sudo.service"},
		Priority:   "warning",
		Checkpoint: "/var/lib/shipper/journal.json",
		Start:      journald.Tail, // the first run starts at the end; later runs after the checkpoint
	})
	if err != nil {
		panic(err)
	}
	sink, _ := tcp.NewSink(tcp.Options{Addr: "logs.internal:5140", Framing: tcp.JSON})
	p, _ := logging.NewPipeline(logging.Options{}, sink)
	defer p.Close(context.Background())
	_ = p.Run(ctx, src)
}
