package testenv

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// PrivateMoto starts a moto server of its own on a free loopback port for
// t and stops it when t ends, returning an aws.Config for it. Use it for
// state that would disturb the shared emulator: moto 5.2 keeps every model
// instance it ever created for /moto-api/data.json (the shared health
// probe) until a reset, and any RDS DBInstance makes that endpoint fail
// with a 500 (its db_subnet_group_name property raises). Skips, or fails
// with OPSKIT_INTEGRATION=1, when moto_server is not installed.
func PrivateMoto(t testing.TB) aws.Config {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		Unavailable(t, "moto_server binary", err)
	}
	port, err := freePort()
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Stdout, cmd.Stderr = nil, nil
	cmd.Env = os.Environ()
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
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, endpoint+"/moto-api/reset-auth", nil)
		resp, err := http.DefaultClient.Do(req)
		cancel()
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			Unavailable(t, "private moto_server on "+endpoint, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	return AWSConfigFor(endpoint, getenv("OPSKIT_AWS_REGION", "us-east-1"))
}
