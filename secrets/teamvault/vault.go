package teamvault

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"filippo.io/age"
	"github.com/opskit-dev/opskit/secrets"
)

// EntriesDir is the directory, inside the vault directory, that holds one
// NAME.age and one NAME.readers file per entry.
const EntriesDir = "entries"

// Options configures Open. The zero value is ready to use.
type Options struct {
	// TeamFile, if set, is read instead of the config's team_file.
	TeamFile string
	// Now is the clock member expiry is judged by; nil means time.Now.
	Now func() time.Time
	// Progress, if set, is called by Sync after each entry it rewrites
	// (done of total), from the calling goroutine.
	Progress func(done, total int)
}

// Vault is a directory of entries, each encrypted to the team members the
// vault config gives it to. A Vault is a snapshot of the config and team
// file taken by Open; open again after editing them. Its methods are safe
// for concurrent reads (Get, Plan); run one writer (Put, Sync) at a time.
type Vault struct {
	dir  string
	cfg  *Config
	team *Team
	opts Options
}

// Open reads dir/vault.yaml and the team file it names, and checks that
// every team and user the config names exists.
func Open(dir string, opts Options) (*Vault, error) {
	cfgPath := filepath.Join(dir, ConfigFile)
	data, err := readBounded(cfgPath)
	if err != nil {
		return nil, err
	}
	cfg, err := ParseConfig(cfgPath, data)
	if err != nil {
		return nil, err
	}
	teamPath := opts.TeamFile
	if teamPath == "" {
		teamPath = cfg.TeamFile
		if !filepath.IsAbs(teamPath) {
			teamPath = filepath.Join(dir, teamPath)
		}
	}
	team, err := LoadTeam(teamPath)
	if err != nil {
		return nil, err
	}
	if err := cfg.check(team); err != nil {
		return nil, err
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Vault{dir: dir, cfg: cfg, team: team, opts: opts}, nil
}

// Team returns the team file the vault was opened with.
func (v *Vault) Team() *Team { return v.team }

// Config returns the vault config.
func (v *Vault) Config() *Config { return v.cfg }

// Path returns the NAME.age file of entry name.
func (v *Vault) Path(name string) string {
	return filepath.Join(v.dir, EntriesDir, filepath.FromSlash(name)+".age")
}

func (v *Vault) readersPath(name string) string {
	return filepath.Join(v.dir, EntriesDir, filepath.FromSlash(name)+".readers")
}

// ValidateName checks an entry name: segments of [A-Za-z0-9._-] that start
// with a letter or digit, joined by "/", at most 200 bytes.
func ValidateName(name string) error {
	if name == "" || len(name) > 200 {
		return invalid("entry name", "", "%q: want 1 to 200 bytes", name)
	}
	for _, seg := range strings.Split(name, "/") {
		if seg == "" || !isAlnum(seg[0]) {
			return invalid("entry name", "", "%q: each /-separated part must start with a letter or digit", name)
		}
		for i := 0; i < len(seg); i++ {
			if c := seg[i]; !isAlnum(c) && c != '.' && c != '_' && c != '-' {
				return invalid("entry name", "", "%q: character %q not allowed (want [A-Za-z0-9._-] and /)", name, c)
			}
		}
	}
	return nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// Entries lists the entry names in the vault, sorted.
func (v *Vault) Entries() ([]string, error) {
	root := filepath.Join(v.dir, EntriesDir)
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == root {
				return fs.SkipDir
			}
			return err
		}
		if d.IsDir() {
			if p != root && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") || !strings.HasSuffix(p, ".age") {
			return nil // temporary files, notes
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		out = append(out, strings.TrimSuffix(filepath.ToSlash(rel), ".age"))
		return nil
	})
	if err != nil {
		return nil, &EntryError{Entry: "*", Op: "list", Err: err}
	}
	slices.Sort(out)
	return out, nil
}

// Readers returns the keys entry name should be encrypted to under the
// current config and team file: every key of every unexpired member a
// matching rule names, sorted by member and fingerprint. It fails with
// ErrNoReaders when that is nobody.
func (v *Vault) Readers(name string) ([]Reader, error) {
	_, readers, err := v.recipients(name)
	return readers, err
}

func (v *Vault) recipients(name string) ([]age.Recipient, []Reader, error) {
	now := v.opts.Now()
	members := map[string]*Member{}
	for _, r := range v.cfg.Rules {
		if !r.Matches(name) {
			continue
		}
		for _, m := range v.team.Members {
			if m.expired(now) {
				continue
			}
			if slices.Contains(r.Users, m.Name) || slices.ContainsFunc(m.Teams, func(t string) bool { return slices.Contains(r.Teams, t) }) {
				members[m.Name] = m
			}
		}
	}
	var readers []Reader
	keys := map[string]Key{}
	for _, m := range members {
		for _, k := range m.Keys {
			readers = append(readers, Reader{Member: m.Name, Type: k.Type(), Fingerprint: k.Fingerprint})
			keys[k.Fingerprint] = k
		}
	}
	if len(readers) == 0 {
		return nil, nil, &EntryError{Entry: name, Op: "encrypt", Err: ErrNoReaders}
	}
	slices.SortFunc(readers, compareReaders)
	recips := make([]age.Recipient, len(readers))
	for i, r := range readers {
		rc, err := recipient(keys[r.Fingerprint])
		if err != nil {
			return nil, nil, &EntryError{Entry: name, Op: "encrypt", Err: err}
		}
		recips[i] = rc
	}
	return recips, readers, nil
}

// Put encrypts value to the entry's readers and writes it, replacing any
// earlier version. It needs no identity: anyone with the repository can
// add or change a password, only readers can read it. Both files are
// written to temporary files first and renamed into place.
func (v *Vault) Put(ctx context.Context, name string, value secrets.Value) error {
	if err := ValidateName(name); err != nil {
		return err
	}
	if value.Len() > maxEntrySize {
		return invalid("entry "+name, "value", "%d bytes, at most %d", value.Len(), maxEntrySize)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	recips, readers, err := v.recipients(name)
	if err != nil {
		return err
	}
	w, err := v.encryptEntry(name, value.Bytes(), recips, readers)
	if err != nil {
		return err
	}
	return commit([]pendingWrite{w})
}

// Get decrypts entry name with id. It refuses, with ErrTampered, a file
// whose recipients differ from its .readers file or whose ciphertext
// fails authentication, and returns ErrNoAccess when id is not a reader.
func (v *Vault) Get(ctx context.Context, name string, id age.Identity) (secrets.Value, error) {
	if err := ValidateName(name); err != nil {
		return secrets.Value{}, err
	}
	if err := ctx.Err(); err != nil {
		return secrets.Value{}, err
	}
	st, err := v.load(name)
	if err != nil {
		return secrets.Value{}, err
	}
	b, err := decrypt(st.armored, id)
	if err != nil {
		return secrets.Value{}, &EntryError{Entry: name, Op: "decrypt", Err: err}
	}
	return secrets.NewValue(b), nil
}

// stored is an entry as it is on disk, recipients verified.
type stored struct {
	armored []byte
	readers []Reader
}

func (v *Vault) load(name string) (*stored, error) {
	armored, err := os.ReadFile(v.Path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &EntryError{Entry: name, Op: "read", Err: ErrNotFound}
	}
	if err != nil {
		return nil, &EntryError{Entry: name, Op: "read", Err: err}
	}
	rd, err := os.ReadFile(v.readersPath(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &EntryError{Entry: name, Op: "read", Err: fmt.Errorf("%w: its .readers file is missing", ErrTampered)}
	}
	if err != nil {
		return nil, &EntryError{Entry: name, Op: "read", Err: err}
	}
	readers, err := parseReaders(rd)
	if err != nil {
		return nil, &EntryError{Entry: name, Op: "read", Err: fmt.Errorf("%w: %v", ErrTampered, err)}
	}
	if err := verifyRecipients(armored, readers); err != nil {
		return nil, &EntryError{Entry: name, Op: "read", Err: err}
	}
	return &stored{armored: armored, readers: readers}, nil
}

func (v *Vault) encryptEntry(name string, plaintext []byte, recips []age.Recipient, readers []Reader) (pendingWrite, error) {
	armored, err := encrypt(plaintext, recips)
	if err != nil {
		return pendingWrite{}, &EntryError{Entry: name, Op: "encrypt", Err: err}
	}
	return pendingWrite{entry: name, files: []fileWrite{
		{path: v.readersPath(name), data: marshalReaders(name, readers)},
		{path: v.Path(name), data: armored},
	}}, nil
}
