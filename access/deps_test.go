package access_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestRootDependencies: a program that imports access to grant SSH keys
// compiles neither the AWS SDK nor the Docker client (they live in
// access/netaudit and access/containeraudit), nor pgx or OpenTelemetry.
func TestRootDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/opskit-dev/opskit/access").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, banned := range []string{"github.com/aws/", "github.com/moby/", "github.com/docker/", "github.com/jackc/pgx", "go.opentelemetry.io/"} {
			if strings.HasPrefix(dep, banned) {
				t.Errorf("access depends on %s", dep)
			}
		}
	}
}
