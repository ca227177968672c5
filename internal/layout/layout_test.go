package layout

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/opskit-dev/opskit"

// concerns are the top-level concern packages; none may import another.
var concerns = []string{"access", "bus", "database", "logging", "scaling", "secrets"}

// heavy are the dependencies only a backend subpackage should bring in.
var heavy = map[string]string{
	"github.com/aws/":                 "the AWS SDK",
	"github.com/moby/":                "the Docker client",
	"github.com/docker/":              "the Docker client",
	"github.com/jackc/pgx":            "pgx",
	"github.com/rabbitmq/amqp091-go":  "amqp091-go",
	"go.opentelemetry.io/":            "OpenTelemetry",
	"github.com/ProtonMail/go-crypto": "OpenPGP",
	"github.com/santhosh-tekuri/":     "a JSON schema validator",
}

// needs lists, per root package, the heavy dependencies its purpose
// requires (bus speaks AMQP; database's router speaks PostgreSQL).
var needs = map[string][]string{
	"bus":      {"github.com/rabbitmq/amqp091-go"},
	"database": {"github.com/jackc/pgx"},
}

func goList(t *testing.T, args ...string) []string {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list"}, args...)...)
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v", args, err)
	}
	return strings.Fields(string(out))
}

// TestRootDependencies fails when a concern's root package reaches a heavy
// dependency it does not need: a program that imports access to grant SSH
// keys must not compile the AWS SDK or the Docker client.
func TestRootDependencies(t *testing.T) {
	for _, c := range concerns {
		deps := goList(t, "-deps", "./"+c)
		var bad []string
	dep:
		for _, d := range deps {
			for prefix, what := range heavy {
				if !strings.HasPrefix(d, prefix) {
					continue
				}
				for _, ok := range needs[c] {
					if strings.HasPrefix(d, ok) {
						continue dep
					}
				}
				bad = append(bad, d+" ("+what+")")
				continue dep
			}
		}
		if len(bad) > 0 {
			t.Errorf("%s (root package) depends on %d heavy packages it does not need; move the backend to a subpackage:\n  %s", c, len(bad), strings.Join(bad, "\n  "))
		}
	}
}

// TestConcernsIndependent fails when any package of one concern imports a
// package of another: composition happens in examples/ and users' code.
func TestConcernsIndependent(t *testing.T) {
	for _, c := range concerns {
		for _, line := range goList(t, "-deps", "-f", "{{.ImportPath}}", "./"+c+"/...") {
			for _, other := range concerns {
				if other != c && (line == module+"/"+other || strings.HasPrefix(line, module+"/"+other+"/")) {
					t.Errorf("a package of %s depends on %s", c, line)
				}
			}
		}
	}
}
