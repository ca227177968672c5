package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// The partial fingerprints [Report.WriteSARIF] gives every result. Both
// are stable across runs, so a consumer tracks one finding over time.
const (
	// fingerprintKey is opskit's own: the hex SHA-256 of the check ID, a
	// NUL byte and the resource.
	fingerprintKey = "opskitFinding/v1"
	// lineHashKey is the one GitHub code scanning matches alerts on. Like
	// GitHub's own it is 16 hex digits, a colon and the occurrence count
	// of that hash in the run. For a line of a file it hashes the check
	// ID, the file and the evidence (the content, not the line number, so
	// an alert follows its line when lines are added above it); for other
	// resources the check ID and the resource.
	lineHashKey = "primaryLocationLineHash"
)

// fingerprinter numbers repeated line hashes within one run.
type fingerprinter map[string]int

func (fp fingerprinter) of(f Finding, uri string, isFile bool) map[string]string {
	own := sha256.Sum256([]byte(f.CheckID + "\x00" + f.Resource))
	key := f.CheckID + "\x00" + f.Resource
	if isFile {
		key = f.CheckID + "\x00" + uri + "\x00" + f.Evidence
	}
	sum := sha256.Sum256([]byte(key))
	h := hex.EncodeToString(sum[:8])
	fp[h]++
	return map[string]string{
		fingerprintKey: hex.EncodeToString(own[:]),
		lineHashKey:    fmt.Sprintf("%s:%d", h, fp[h]),
	}
}
