package testenv

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// MotoPython returns the python interpreter moto_server runs with (it has
// botocore), for tests that compare against botocore. It reads the
// shebang of moto_server, following a pyenv shim to the real script;
// without one it skips or fails t.
func MotoPython(t testing.TB) string {
	t.Helper()
	py, err := motoPython()
	if err != nil {
		Unavailable(t, "python with botocore (the moto server's)", err)
	}
	return py
}

func motoPython() (string, error) {
	script, err := exec.LookPath("moto_server")
	if err != nil {
		// services.sh looks here too: pyenv shims are not always on PATH.
		for _, dir := range []string{"/root/.pyenv/shims", "/usr/local/bin"} {
			if p := filepath.Join(dir, "moto_server"); fileExists(p) {
				script, err = p, nil
				break
			}
		}
		if err != nil {
			return "", err
		}
	}
	py, err := shebangPython(script)
	if err == nil {
		return py, nil
	}
	// A pyenv shim is a bash script: ask pyenv for the real one.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, perr := exec.CommandContext(ctx, "pyenv", "which", "moto_server").Output()
	if perr != nil {
		return "", err
	}
	return shebangPython(strings.TrimSpace(string(out)))
}

// shebangPython returns the interpreter on the first line of script when
// it is a python.
func shebangPython(script string) (string, error) {
	f, err := os.Open(script)
	if err != nil {
		return "", err
	}
	defer f.Close()
	line, _ := bufio.NewReader(f).ReadString('\n')
	fields := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "#!"))
	if len(fields) == 0 {
		return "", errors.New(script + " has no shebang")
	}
	interp := fields[0]
	if filepath.Base(interp) == "env" && len(fields) > 1 {
		interp = fields[1]
	}
	if !strings.HasPrefix(filepath.Base(interp), "python") {
		return "", errors.New(script + " does not run with python (" + interp + ")")
	}
	return interp, nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
