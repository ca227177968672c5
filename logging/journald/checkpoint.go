package journald

import "github.com/opskit-dev/opskit/logging/internal/statefile"

// checkpointVersion is the on-disk format version.
const checkpointVersion = 1

type checkpointFile struct {
	Version int    `json:"version"`
	Cursor  string `json:"cursor"`
}

// loadCursor returns the cursor saved in path, or "" if there is none.
func loadCursor(path string) (string, error) {
	if path == "" {
		return "", nil
	}
	var cf checkpointFile
	if _, err := statefile.Load("journald", path, checkpointVersion, &cf); err != nil {
		return "", err
	}
	return cf.Cursor, nil
}

// saveCursor replaces path with cursor durably (statefile.Save).
func saveCursor(path, cursor string) error {
	return statefile.Save("journald", path, checkpointFile{Version: checkpointVersion, Cursor: cursor})
}
