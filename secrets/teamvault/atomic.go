package teamvault

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// fileWrite is one file to replace.
type fileWrite struct {
	path string
	data []byte
	tmp  string
}

// pendingWrite is the files of one entry.
type pendingWrite struct {
	entry string
	files []fileWrite
}

// commit writes every file to a temporary file beside it, makes them
// durable (fsync each, or syncfs once when there are many), and only
// when all are written renames them into place, .readers before .age for
// each entry, then syncs the directories. An error while writing leaves
// nothing changed; the temporary files are removed.
func commit(writes []pendingWrite) (err error) {
	var made []string
	total := 0
	for _, w := range writes {
		total += len(w.files)
	}
	defer func() {
		if err != nil {
			for _, t := range made {
				_ = os.Remove(t)
			}
		}
	}()
	for i := range writes {
		for j := range writes[i].files {
			f := &writes[i].files[j]
			tmp, err := writeTemp(f.path, f.data, total <= perFileSyncMax)
			if err != nil {
				return &EntryError{Entry: writes[i].entry, Op: "write", Err: err}
			}
			made = append(made, tmp)
			f.tmp = tmp
		}
	}
	// Few files are synced one by one; many (2,000 for 1,000 entries) by
	// one sync of the file system, before any rename either way.
	if len(made) > perFileSyncMax {
		if err := syncFS(filepath.Dir(made[0])); err != nil {
			return fmt.Errorf("teamvault: sync file system: %w", err)
		}
	}
	dirs := map[string]bool{}
	for i, w := range writes {
		for _, f := range w.files {
			if err := os.Rename(f.tmp, f.path); err != nil {
				// Entries before i are in place; this and later ones are not.
				return &EntryError{Entry: w.entry, Op: "write", Err: fmt.Errorf("%w (%d of %d entries were written; run again to finish)", err, i, len(writes))}
			}
			dirs[filepath.Dir(f.path)] = true
		}
	}
	for d := range dirs {
		if err := syncDir(d); err != nil {
			return fmt.Errorf("teamvault: sync directory %s: %w", d, err)
		}
	}
	return nil
}

// perFileSyncMax is the most files commit syncs one by one.
const perFileSyncMax = 16

func writeTemp(path string, data []byte, sync bool) (string, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return "", err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", err
	}
	if sync {
		if err := f.Sync(); err != nil {
			f.Close()
			os.Remove(f.Name())
			return "", err
		}
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// syncFS flushes the file system holding dir (syncfs(2)).
func syncFS(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return unix.Syncfs(int(d.Fd()))
}
