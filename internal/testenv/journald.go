package testenv

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// JournalSocket is the native-protocol socket of systemd-journald.
const JournalSocket = "/run/systemd/journal/socket"

// Journald checks that systemd-journald runs (services.sh starts it on its
// own, without systemd as PID 1) and that journalctl and systemd-cat are
// installed; otherwise it skips or fails t.
func Journald(t testing.TB) {
	t.Helper()
	for _, tool := range []string{"journalctl", "systemd-cat"} {
		if _, err := exec.LookPath(tool); err != nil {
			Unavailable(t, "systemd-journald", fmt.Errorf("%s is not installed", tool))
		}
	}
	fi, err := os.Stat(JournalSocket)
	if err != nil {
		Unavailable(t, "systemd-journald", err)
	}
	if fi.Mode()&os.ModeSocket == 0 {
		Unavailable(t, "systemd-journald", fmt.Errorf("%s is not a socket", JournalSocket))
	}
	out, err := exec.Command("systemd-cat", "-t", "opskit-testenv", "echo", "opskit-testenv probe").CombinedOutput()
	if err != nil {
		Unavailable(t, "systemd-journald", errors.Join(err, fmt.Errorf("systemd-cat: %s", out)))
	}
}
