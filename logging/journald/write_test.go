package journald_test

import (
	"encoding/binary"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"testing"

	"github.com/opskit-dev/opskit/internal/testenv"
)

// journalField is one field of an entry written with journald's native
// protocol.
type journalField struct {
	name  string
	value []byte
}

// writeNative sends one entry to journald's native socket; values with a
// newline or binary bytes use the protocol's length-prefixed form.
func writeNative(t testing.TB, fields ...journalField) {
	t.Helper()
	var b []byte
	for _, f := range fields {
		b = append(b, f.name...)
		if strings.ContainsAny(string(f.value), "\n") || !printable(f.value) {
			b = append(b, '\n')
			b = binary.LittleEndian.AppendUint64(b, uint64(len(f.value)))
			b = append(b, f.value...)
			b = append(b, '\n')
			continue
		}
		b = append(b, '=')
		b = append(b, f.value...)
		b = append(b, '\n')
	}
	c, err := net.Dial("unixgram", testenv.JournalSocket)
	if err != nil {
		t.Fatalf("dial journald: %v", err)
	}
	defer c.Close()
	if _, err := c.Write(b); err != nil {
		t.Fatalf("write to journald: %v", err)
	}
}

func printable(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// writeLines writes lines seq=FIRST ... seq=FIRST+N-1 (7 digits) through
// systemd-cat under identifier.
func writeLines(t testing.TB, identifier string, first, n int) {
	t.Helper()
	var sb strings.Builder
	for i := first; i < first+n; i++ {
		fmt.Fprintf(&sb, "seq=%07d journald test line\n", i)
	}
	cmd := exec.Command("systemd-cat", "-t", identifier)
	cmd.Stdin = strings.NewReader(sb.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("systemd-cat: %v: %s", err, out) // Errorf: also called from writer goroutines
	}
}
