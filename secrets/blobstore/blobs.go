package blobstore

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Blobs is the storage the backend needs: whole-object reads and writes
// by key (keys use "/" separators). Read of a missing key returns an error
// matching fs.ErrNotExist.
type Blobs interface {
	Read(ctx context.Context, key string) ([]byte, error)
	Write(ctx context.Context, key string, data []byte) error
	Delete(ctx context.Context, key string) error
}

// Dir stores blobs as files under a directory, written atomically
// (temporary file and rename) with mode 0600.
type Dir struct{ root *os.Root }

var _ Blobs = (*Dir)(nil)

// OpenDir returns the blobs under dir, which must exist.
func OpenDir(dir string) (*Dir, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &Dir{root: r}, nil
}

// Close releases the directory.
func (d *Dir) Close() error { return d.root.Close() }

// Read implements Blobs.
func (d *Dir) Read(_ context.Context, key string) ([]byte, error) { return d.root.ReadFile(key) }

// Write implements Blobs.
func (d *Dir) Write(_ context.Context, key string, data []byte) error {
	if dir := filepath.Dir(key); dir != "." {
		if err := d.root.MkdirAll(dir, 0o700); err != nil {
			return err
		}
	}
	tmp := key + ".tmp"
	if err := d.root.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return d.root.Rename(tmp, key)
}

// Delete implements Blobs; a missing key is not an error.
func (d *Dir) Delete(_ context.Context, key string) error {
	err := d.root.Remove(key)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err == nil {
		// Remove the secret's directory once empty.
		if dir := filepath.Dir(key); dir != "." && !strings.HasPrefix(dir, "..") {
			_ = d.root.Remove(dir)
		}
	}
	return err
}
