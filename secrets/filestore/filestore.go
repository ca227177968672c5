// Package filestore is the read-only backend of package secrets for what an
// application reads at run time: one file per secret in a directory, such
// as Docker's /run/secrets/NAME or a Kubernetes secret volume. A file has
// one version, "current"; writing, moving stages and deleting return
// secrets.ErrUnsupported. Names cannot leave the directory (os.Root).
package filestore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/driver"
)

// DefaultDir is where Docker mounts service secrets.
const DefaultDir = "/run/secrets"

// VersionID is the one version a file has.
const VersionID = "current"

// Backend implements secrets/driver.Store over a directory.
type Backend struct{ root *os.Root }

var _ driver.Store = (*Backend)(nil)

// Open returns a backend over dir ("" is DefaultDir).
func Open(dir string) (*Backend, error) {
	if dir == "" {
		dir = DefaultDir
	}
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("secrets: file store %q: %w", dir, err)
	}
	return &Backend{root: r}, nil
}

// OpenStore returns a *secrets.Store over dir.
func OpenStore(dir string) (*secrets.Store, error) {
	b, err := Open(dir)
	if err != nil {
		return nil, err
	}
	return secrets.New(b, secrets.Options{}), nil
}

func (b *Backend) stat(name string) (driver.Version, error) {
	fi, err := b.root.Stat(name)
	if err != nil {
		return driver.Version{}, mapErr(name, err)
	}
	if !fi.Mode().IsRegular() {
		return driver.Version{}, fmt.Errorf("file %q: not a regular file: %w", name, driver.ErrNotFound)
	}
	return driver.Version{ID: VersionID, Stages: []string{driver.StageCurrent}, Created: fi.ModTime()}, nil
}

func mapErr(name string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("file %q: %w", name, driver.ErrNotFound)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("file %q: %s: %w", name, pe.Op, pe.Err)
	}
	return fmt.Errorf("file %q: %w", name, err)
}

// Get implements driver.Store: only the current stage or VersionID.
func (b *Backend) Get(_ context.Context, name string, ref driver.Ref) (driver.Version, []byte, error) {
	if (ref.VersionID != "" && ref.VersionID != VersionID) || (ref.VersionID == "" && ref.Stage != driver.StageCurrent) {
		return driver.Version{}, nil, fmt.Errorf("file %q: only the current version exists: %w", name, driver.ErrNotFound)
	}
	v, err := b.stat(name)
	if err != nil {
		return driver.Version{}, nil, err
	}
	data, err := b.root.ReadFile(name)
	if err != nil {
		return driver.Version{}, nil, mapErr(name, err)
	}
	return v, data, nil
}

// Versions implements driver.Store.
func (b *Backend) Versions(_ context.Context, name string) ([]driver.Version, error) {
	v, err := b.stat(name)
	if err != nil {
		return nil, err
	}
	return []driver.Version{v}, nil
}

var errReadOnly = fmt.Errorf("file store is read-only: %w", driver.ErrUnsupported)

// Put implements driver.Store: unsupported.
func (b *Backend) Put(context.Context, string, []byte, []string) (driver.Version, error) {
	return driver.Version{}, errReadOnly
}

// MoveStage implements driver.Store: unsupported.
func (b *Backend) MoveStage(context.Context, string, string, string, string) error {
	return errReadOnly
}

// Delete implements driver.Store: unsupported.
func (b *Backend) Delete(context.Context, string, time.Duration) error { return errReadOnly }

// Close implements driver.Store.
func (b *Backend) Close() error { return b.root.Close() }
