package logging_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestStandardLibraryOnly keeps the root package's promise: a program that
// imports logging compiles nothing outside the standard library but
// opskit's internal backoff. Backends' client libraries stay in their
// subpackages.
func TestStandardLibraryOnly(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	allowed := map[string]bool{
		"github.com/opskit-dev/opskit/logging":          true,
		"github.com/opskit-dev/opskit/internal/backoff": true,
	}
	for _, p := range strings.Fields(string(out)) {
		if !allowed[p] {
			t.Errorf("logging depends on %s; the root must need only the standard library", p)
		}
	}
}
