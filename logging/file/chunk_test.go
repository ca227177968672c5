package file_test

import (
	"path/filepath"
	"testing"

	"github.com/opskit-dev/opskit/logging/file"
)

// TestLinesAcrossReads reads with a tiny read size so most lines span
// several reads; every line must arrive intact and the offset must end at
// the file's size.
func TestLinesAcrossReads(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "app.log")
	appendLines(t, log, 0, 300)
	for _, size := range []int{1, 5, 7, 13, 64, 1000} {
		r := start(t, file.Options{Paths: []string{log}, ReadBytes: size, FingerprintBytes: 16})
		wantSeq(t, r.waitFor(300), 300)
		r.stop()
	}
}
