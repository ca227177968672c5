package blobstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/driver"
	"github.com/opskit-dev/opskit/secrets/envelope"
)

// Options configures the backend.
type Options struct {
	// KeyID is the key-service key that wraps each version's data key.
	KeyID string
}

// Backend implements secrets/driver.Store over Blobs.
type Backend struct {
	blobs Blobs
	keys  envelope.KeyService
	opts  Options
	mu    sync.Mutex
}

var _ driver.Store = (*Backend)(nil)

// New returns a backend.
func New(blobs Blobs, keys envelope.KeyService, opts Options) *Backend {
	return &Backend{blobs: blobs, keys: keys, opts: opts}
}

// NewStore returns a *secrets.Store over a new backend.
func NewStore(blobs Blobs, keys envelope.KeyService, opts Options) *secrets.Store {
	return secrets.New(New(blobs, keys, opts), secrets.Options{})
}

type indexEntry struct {
	N       int       `json:"n"`
	Stages  []string  `json:"stages"`
	Created time.Time `json:"created"`
}

type index struct {
	Next     int          `json:"next"`
	Versions []indexEntry `json:"versions"`
}

func indexKey(name string) string          { return name + "/index.json" }
func versionKey(name string, n int) string { return fmt.Sprintf("%s/v%d.env", name, n) }

func encCtx(name string, n int) map[string]string {
	return map[string]string{"opskit.secret": name, "opskit.version": strconv.Itoa(n)}
}

func (b *Backend) load(ctx context.Context, name string) (*index, error) {
	raw, err := b.blobs.Read(ctx, indexKey(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("secret %q: %w", name, driver.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("secret %q: read index: %w", name, err)
	}
	var ix index
	if err := json.Unmarshal(raw, &ix); err != nil {
		return nil, fmt.Errorf("secret %q: index is corrupt", name)
	}
	return &ix, nil
}

func (b *Backend) save(ctx context.Context, name string, ix *index) error {
	// Versions left with no stage are deprecated: dropped with their blob.
	var keep []indexEntry
	for _, v := range ix.Versions {
		if len(v.Stages) == 0 {
			if err := b.blobs.Delete(ctx, versionKey(name, v.N)); err != nil {
				return fmt.Errorf("secret %q: delete version %d: %w", name, v.N, err)
			}
			continue
		}
		keep = append(keep, v)
	}
	ix.Versions = keep
	raw, _ := json.Marshal(ix)
	if err := b.blobs.Write(ctx, indexKey(name), raw); err != nil {
		return fmt.Errorf("secret %q: write index: %w", name, err)
	}
	return nil
}

func (e indexEntry) version() driver.Version {
	return driver.Version{ID: strconv.Itoa(e.N), Stages: slices.Clone(e.Stages), Created: e.Created}
}

// Get implements driver.Store.
func (b *Backend) Get(ctx context.Context, name string, ref driver.Ref) (driver.Version, []byte, error) {
	b.mu.Lock()
	ix, err := b.load(ctx, name)
	b.mu.Unlock()
	if err != nil {
		return driver.Version{}, nil, err
	}
	var e *indexEntry
	for i := range ix.Versions {
		v := &ix.Versions[i]
		if (ref.VersionID != "" && strconv.Itoa(v.N) == ref.VersionID) || (ref.VersionID == "" && slices.Contains(v.Stages, ref.Stage)) {
			e = v
		}
	}
	if e == nil {
		return driver.Version{}, nil, fmt.Errorf("secret %q: %+v: %w", name, ref, driver.ErrNotFound)
	}
	msg, err := b.blobs.Read(ctx, versionKey(name, e.N))
	if err != nil {
		return driver.Version{}, nil, fmt.Errorf("secret %q: read version %d: %w", name, e.N, err)
	}
	plain, err := envelope.Open(ctx, b.keys, encCtx(name, e.N), msg)
	if err != nil {
		return driver.Version{}, nil, fmt.Errorf("secret %q: version %d: %w", name, e.N, err)
	}
	return e.version(), plain, nil
}

// Put implements driver.Store.
func (b *Backend) Put(ctx context.Context, name string, value []byte, stages []string) (driver.Version, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	ix, err := b.load(ctx, name)
	if errors.Is(err, driver.ErrNotFound) {
		ix, err = &index{Next: 1}, nil
		if !slices.Contains(stages, driver.StageCurrent) {
			stages = append(slices.Clone(stages), driver.StageCurrent)
		}
	}
	if err != nil {
		return driver.Version{}, err
	}
	n := ix.Next
	msg, err := envelope.Seal(ctx, b.keys, b.opts.KeyID, encCtx(name, n), value)
	if err != nil {
		return driver.Version{}, fmt.Errorf("secret %q: %w", name, err)
	}
	if err := b.blobs.Write(ctx, versionKey(name, n), msg); err != nil {
		return driver.Version{}, fmt.Errorf("secret %q: write version %d: %w", name, n, err)
	}
	ix.Next++
	ix.Versions = append(ix.Versions, indexEntry{N: n, Created: time.Now().UTC()})
	for _, s := range stages {
		moveStage(ix, s, n)
	}
	if err := b.save(ctx, name, ix); err != nil {
		return driver.Version{}, err
	}
	return driver.Version{ID: strconv.Itoa(n), Stages: stages, Created: ix.Versions[len(ix.Versions)-1].Created}, nil
}

// moveStage attaches stage to version to (0: removes it), with previous
// following current.
func moveStage(ix *index, stage string, to int) {
	from := 0
	for i := range ix.Versions {
		v := &ix.Versions[i]
		if slices.Contains(v.Stages, stage) {
			from = v.N
			v.Stages = slices.DeleteFunc(v.Stages, func(s string) bool { return s == stage })
		}
	}
	for i := range ix.Versions {
		if ix.Versions[i].N == to {
			ix.Versions[i].Stages = append(ix.Versions[i].Stages, stage)
		}
	}
	if stage == driver.StageCurrent && from != 0 && from != to {
		moveStage(ix, driver.StagePrevious, from)
	}
}

// MoveStage implements driver.Store.
func (b *Backend) MoveStage(ctx context.Context, name, stage, _, to string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	ix, err := b.load(ctx, name)
	if err != nil {
		return err
	}
	n := 0
	if to != "" {
		found := false
		for _, v := range ix.Versions {
			if strconv.Itoa(v.N) == to {
				n, found = v.N, true
			}
		}
		if !found {
			return fmt.Errorf("secret %q: version %q: %w", name, to, driver.ErrNotFound)
		}
	}
	moveStage(ix, stage, n)
	return b.save(ctx, name, ix)
}

// Versions implements driver.Store.
func (b *Backend) Versions(ctx context.Context, name string) ([]driver.Version, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	ix, err := b.load(ctx, name)
	if err != nil {
		return nil, err
	}
	out := make([]driver.Version, 0, len(ix.Versions))
	for _, v := range ix.Versions {
		out = append(out, v.version())
	}
	return out, nil
}

// Delete implements driver.Store.
func (b *Backend) Delete(ctx context.Context, name string, recovery time.Duration) error {
	if recovery != 0 {
		return fmt.Errorf("secret %q: blob store has no recovery window: %w", name, driver.ErrUnsupported)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	ix, err := b.load(ctx, name)
	if err != nil {
		return err
	}
	for _, v := range ix.Versions {
		if err := b.blobs.Delete(ctx, versionKey(name, v.N)); err != nil {
			return fmt.Errorf("secret %q: delete version %d: %w", name, v.N, err)
		}
	}
	if err := b.blobs.Delete(ctx, indexKey(name)); err != nil {
		return fmt.Errorf("secret %q: delete index: %w", name, err)
	}
	return nil
}

// Close implements driver.Store; the blobs are the caller's.
func (b *Backend) Close() error { return nil }
