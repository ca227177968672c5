package testenv

import (
	"context"
	"fmt"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// PrivateMoto starts a moto server of t's own on a free loopback port,
// stops it when t ends, and returns an aws.Config for it (us-east-1).
//
// Use it for state that would disturb the shared emulator: moto 5.2 keeps
// every object it ever created until a reset, and once an RDS DB instance
// exists its /moto-api/data.json fails with a 500. Like every integration
// helper it first checks that the shared emulator answers (the sign that the
// services are meant to be up), so without services it skips, or fails with
// OPSKIT_INTEGRATION=1; it does the same when moto_server is not installed.
func PrivateMoto(t testing.TB) aws.Config {
	t.Helper()
	AWS(t)
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		Unavailable(t, "moto_server binary", err)
	}
	port, err := freePort()
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	// Its own process group, so the cleanup also ends moto's children.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		Unavailable(t, "moto_server", err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	})
	endpoint := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		err := probeAWS(ctx, endpoint)
		cancel()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("private moto_server on %s did not answer within 60s: %v", endpoint, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	return AWSConfigFor(endpoint, getenv("OPSKIT_AWS_REGION", "us-east-1"))
}
