// Package statefile reads and writes the sources' checkpoint files: JSON
// documents with a format version, replaced durably so that a crash at
// any moment leaves either the old file or the new one, never a torn one.
package statefile

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Load reads the checkpoint at path into v. A missing file is not an
// error: Load reports found false and leaves v alone. The document's
// "version" must equal version. Errors start with pkg (the package name
// of the caller, for its error messages) and name the file.
func Load(pkg, path string, version int, v any) (found bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("%s: read checkpoint %s: %w", pkg, path, err)
	}
	var head struct {
		Version int `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return false, fmt.Errorf("%s: checkpoint %s is corrupt: %w", pkg, path, err)
	}
	if head.Version != version {
		return false, fmt.Errorf("%s: checkpoint %s has version %d, want %d", pkg, path, head.Version, version)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return false, fmt.Errorf("%s: checkpoint %s is corrupt: %w", pkg, path, err)
	}
	return true, nil
}

// Save writes v as JSON to path with WriteAtomic; errors start with pkg
// and name the file. v carries its own "version".
func Save(pkg, path string, v any) error {
	data, err := json.Marshal(v)
	if err == nil {
		err = WriteAtomic(path, data)
	}
	if err != nil {
		return fmt.Errorf("%s: write checkpoint %s: %w", pkg, path, err)
	}
	return nil
}

// WriteAtomic replaces path with data durably: a temporary file in the
// same directory, fsync, rename over the old file, fsync of the directory.
func WriteAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
