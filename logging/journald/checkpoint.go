package journald

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

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
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("journald: read checkpoint %s: %w", path, err)
	}
	var cf checkpointFile
	if err := json.Unmarshal(data, &cf); err != nil {
		return "", fmt.Errorf("journald: checkpoint %s is corrupt: %w", path, err)
	}
	if cf.Version != checkpointVersion {
		return "", fmt.Errorf("journald: checkpoint %s has version %d, want %d", path, cf.Version, checkpointVersion)
	}
	return cf.Cursor, nil
}

// saveCursor replaces path with cursor durably: a temporary file, fsync,
// rename over the old one, fsync of the directory.
func saveCursor(path, cursor string) error {
	data, err := json.Marshal(checkpointFile{Version: checkpointVersion, Cursor: cursor})
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("journald: write checkpoint %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err == nil {
		var d *os.File
		if d, err = os.Open(dir); err == nil {
			err = d.Sync()
			d.Close()
		}
	}
	if err != nil {
		return fmt.Errorf("journald: write checkpoint %s: %w", path, err)
	}
	return nil
}
