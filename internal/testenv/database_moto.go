package testenv

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// DatabasePrivateMoto starts a moto server of its own on a free loopback
// port for t and returns an aws.Config pointed at it (region us-east-1); the
// server is stopped in Cleanup. The database package's RDS conformance
// suite uses it instead of the shared emulator because moto tracks every
// RDS instance ever created until a global reset, and a tracked DB instance
// makes the shared /moto-api/data.json fail, and a DB instance left pointing
// at a deleted parameter group makes every DescribeDBInstances in its region
// answer 500 until a global reset. The shared emulator must be up, as proof
// that the services are meant to be; without it or without moto_server the
// test skips or fails like every other integration test.
func DatabasePrivateMoto(t testing.TB) aws.Config {
	t.Helper()
	AWS(t) // skip or fail as every AWS test does when moto is not up
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		Unavailable(t, "moto_server binary", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("pick a port for moto: %v", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	logPath := filepath.Join(t.TempDir(), "moto.log")
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		Unavailable(t, "private moto_server", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		logf.Close()
	})
	endpoint := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, endpoint+"/moto-api/data.json", nil)
		resp, err := http.DefaultClient.Do(req)
		cancel()
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("private moto_server on %s did not answer in 30s (log %s): %v", endpoint, logPath, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return AWSConfigFor(endpoint, "us-east-1")
}
