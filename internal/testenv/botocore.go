package testenv

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// BotocorePython returns a python3 interpreter that can import botocore:
// the one the moto server runs on (moto depends on botocore), found from
// moto_server's shebang or, for a pyenv shim, with `pyenv which`. It skips
// or fails t when there is none.
func BotocorePython(t testing.TB) string {
	t.Helper()
	py, err := botocorePython()
	if err != nil {
		Unavailable(t, "python3 with botocore (from the moto server)", err)
	}
	return py
}

func botocorePython() (string, error) {
	var candidates []string
	if p := os.Getenv("OPSKIT_BOTOCORE_PYTHON"); p != "" {
		candidates = append(candidates, p)
	}
	moto, err := exec.LookPath("moto_server")
	if err != nil {
		// services.sh adds pyenv's shims to PATH; tests may not have it.
		if p := "/root/.pyenv/shims/moto_server"; fileExists(p) {
			moto, err = p, nil
		}
	}
	if err == nil {
		if bin, err := exec.Command("pyenv", "which", "moto_server").Output(); err == nil {
			candidates = append(candidates, filepath.Join(filepath.Dir(strings.TrimSpace(string(bin))), "python3"))
		} else if pyenv := "/root/.pyenv/bin/pyenv"; fileExists(pyenv) {
			if bin, err := exec.Command(pyenv, "which", "moto_server").Output(); err == nil {
				candidates = append(candidates, filepath.Join(filepath.Dir(strings.TrimSpace(string(bin))), "python3"))
			}
		}
		if interp := shebang(moto); interp != "" && !strings.HasSuffix(interp, "bash") && !strings.HasSuffix(interp, "/sh") {
			candidates = append(candidates, interp)
		}
	}
	candidates = append(candidates, "python3")
	for _, c := range candidates {
		if err := exec.Command(c, "-c", "import botocore.auth").Run(); err == nil {
			return c, nil
		}
	}
	return "", fmt.Errorf("no python3 that imports botocore among %q", candidates)
}

// shebang returns the interpreter named on the first line of path.
func shebang(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	line, _ := bufio.NewReader(f).ReadString('\n')
	if !strings.HasPrefix(line, "#!") {
		return ""
	}
	fields := strings.Fields(strings.TrimPrefix(line, "#!"))
	if len(fields) == 0 {
		return ""
	}
	if filepath.Base(fields[0]) == "env" && len(fields) > 1 {
		return fields[1]
	}
	return fields[0]
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }
