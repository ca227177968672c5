package journald

import (
	"slices"
	"strings"
	"testing"
)

// TestArgs checks the journalctl command line for each start and filter;
// units cannot be exercised on a journal without systemd as PID 1 (no
// entry has _SYSTEMD_UNIT there), so their flag is checked here.
func TestArgs(t *testing.T) {
	o := Options{Units: []string{"ssh.service", "cron.service"}, Identifiers: []string{"sudo"}, Priority: "warning..emerg",
		Directory: "/var/log/journal"}
	o.Matches = []string{"_UID=0", "OPSKIT=-not-a-flag"}
	if err := o.fill(); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(o.args(""), " ")
	for _, want := range []string{"--output=json", "--follow", "--all", "--lines=0", "--unit=ssh.service", "--unit=cron.service",
		"--identifier=sudo", "--priority=warning..emerg", "--directory=/var/log/journal",
		"--output-fields=MESSAGE,SYSLOG_IDENTIFIER,_COMM,PRIORITY,_PID,_HOSTNAME,_SYSTEMD_UNIT,UNIT,SYSLOG_IDENTIFIER"} {
		if !strings.Contains(got, want) {
			t.Errorf("args = %s; want %s", got, want)
		}
	}
	args := o.args("")
	if i := slices.Index(args, "--"); i < 0 || !slices.Equal(args[i+1:], o.Matches) {
		t.Errorf("args = %q; want the matches after --", args)
	}
	if a := strings.Join(o.args("s=1;i=2"), " "); !strings.Contains(a, "--after-cursor=s=1;i=2 --lines=all") || strings.Contains(a, "--lines=0") {
		t.Errorf("args after a cursor = %s", a)
	}
	o.Start = Head
	if a := strings.Join(o.args(""), " "); !strings.Contains(a, "--lines=all") {
		t.Errorf("args from the head = %s", a)
	}
}
