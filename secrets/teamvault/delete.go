package teamvault

import (
	"context"
	"errors"
	"io/fs"
	"os"
)

// Delete removes entry name (both its files). Like a removed member, a
// deleted entry stays in git history, readable by whoever could read it.
func (v *Vault) Delete(ctx context.Context, name string) error {
	if err := ValidateName(name); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.Remove(v.Path(name)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return &EntryError{Entry: name, Op: "delete", Err: ErrNotFound}
		}
		return &EntryError{Entry: name, Op: "delete", Err: err}
	}
	if err := os.Remove(v.readersPath(name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return &EntryError{Entry: name, Op: "delete", Err: err}
	}
	return nil
}
