package inject

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"

	"github.com/opskit-dev/opskit/secrets/driver"
)

var filestoreCurrent = driver.Ref{Stage: driver.StageCurrent}

// ResolveEnv returns environ (KEY=VALUE entries, as os.Environ gives) with
// every value that is a reference replaced by the secret.
func (r *Resolver) ResolveEnv(ctx context.Context, environ []string) ([]string, error) {
	refs := map[string]string{}
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		if _, ok, err := ParseRef(v); err != nil {
			return nil, fmt.Errorf("%w (%s)", err, k)
		} else if ok {
			refs[k] = v
		}
	}
	vals, err := r.Resolve(ctx, refs)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(environ))
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		if v, ok := vals[k]; ok {
			out = append(out, k+"="+v.Reveal())
			v.Zero()
			continue
		}
		out = append(out, kv)
	}
	return out, nil
}

// Exec resolves the process's environment and replaces the process with
// argv[0] (looked up in PATH), which receives the values in its
// environment. It returns only on error.
func Exec(ctx context.Context, r *Resolver, argv []string) error {
	if len(argv) == 0 {
		return errors.New("inject: exec: no program")
	}
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return fmt.Errorf("inject: exec %q: %w", argv[0], err)
	}
	env, err := r.ResolveEnv(ctx, os.Environ())
	if err != nil {
		return err
	}
	if err := syscall.Exec(path, argv, env); err != nil {
		return fmt.Errorf("inject: exec %q: %w", path, err)
	}
	return nil
}
