package secretsfake

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/driver"
)

// Backend is the in-memory store. The zero value is not usable; call New.
type Backend struct {
	mu      sync.Mutex
	secrets map[string]*secret
	now     func() time.Time
}

type secret struct {
	versions  []*version // in creation order
	deletesAt time.Time  // zero unless scheduled for deletion
}

type version struct {
	id      string
	value   []byte
	stages  []string
	created time.Time
}

var (
	_ driver.Store    = (*Backend)(nil)
	_ driver.Restorer = (*Backend)(nil)
)

// New returns an empty Backend.
func New() *Backend { return &Backend{secrets: map[string]*secret{}, now: time.Now} }

// NewStore returns a *secrets.Store over a new empty Backend.
func NewStore() *secrets.Store { return secrets.New(New(), secrets.Options{}) }

// live returns the secret name, or an error if it is missing or deleted.
func (b *Backend) live(name string) (*secret, error) {
	s := b.secrets[name]
	if s != nil && !s.deletesAt.IsZero() && !b.now().Before(s.deletesAt) {
		delete(b.secrets, name)
		s = nil
	}
	if s == nil {
		return nil, fmt.Errorf("secret %q: %w", name, driver.ErrNotFound)
	}
	if !s.deletesAt.IsZero() {
		return nil, fmt.Errorf("secret %q: %w", name, driver.ErrDeleted)
	}
	return s, nil
}

func (s *secret) find(id string) *version {
	for _, v := range s.versions {
		if v.id == id {
			return v
		}
	}
	return nil
}

func (s *secret) withStage(stage string) *version {
	for _, v := range s.versions {
		if slices.Contains(v.stages, stage) {
			return v
		}
	}
	return nil
}

// Get implements driver.Store.
func (b *Backend) Get(_ context.Context, name string, ref driver.Ref) (driver.Version, []byte, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s, err := b.live(name)
	if err != nil {
		return driver.Version{}, nil, err
	}
	var v *version
	if ref.VersionID != "" {
		v = s.find(ref.VersionID)
		if v == nil {
			return driver.Version{}, nil, fmt.Errorf("secret %q: version %q: %w", name, ref.VersionID, driver.ErrNotFound)
		}
	} else {
		v = s.withStage(ref.Stage)
		if v == nil {
			return driver.Version{}, nil, fmt.Errorf("secret %q: stage %q: %w", name, ref.Stage, driver.ErrNotFound)
		}
	}
	return v.info(), slices.Clone(v.value), nil
}

func (v *version) info() driver.Version {
	return driver.Version{ID: v.id, Stages: slices.Clone(v.stages), Created: v.created}
}

// Put implements driver.Store.
func (b *Backend) Put(_ context.Context, name string, value []byte, stages []string) (driver.Version, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s, err := b.live(name)
	if err != nil && b.secrets[name] != nil {
		return driver.Version{}, err
	}
	if s == nil {
		s = &secret{}
		b.secrets[name] = s
		if !slices.Contains(stages, driver.StageCurrent) {
			stages = append(slices.Clone(stages), driver.StageCurrent)
		}
	}
	v := &version{id: newID(), value: slices.Clone(value), created: b.now()}
	s.versions = append(s.versions, v)
	for _, st := range stages {
		s.move(st, v)
	}
	return v.info(), nil
}

// move attaches stage to to (nil: removes it), with previous following
// current, then drops versions left with no stage.
func (s *secret) move(stage string, to *version) {
	from := s.withStage(stage)
	if from == to {
		return
	}
	if from != nil {
		from.stages = slices.DeleteFunc(from.stages, func(x string) bool { return x == stage })
	}
	if to != nil {
		to.stages = append(to.stages, stage)
	}
	if stage == driver.StageCurrent && from != nil {
		s.move(driver.StagePrevious, from)
	}
	s.versions = slices.DeleteFunc(s.versions, func(v *version) bool { return len(v.stages) == 0 && v != to })
}

// MoveStage implements driver.Store.
func (b *Backend) MoveStage(_ context.Context, name, stage, from, to string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	s, err := b.live(name)
	if err != nil {
		return err
	}
	if cur := s.withStage(stage); (cur == nil && from != "") || (cur != nil && cur.id != from) {
		return fmt.Errorf("secret %q: stage %q is not on version %q: %w", name, stage, from, driver.ErrInvalid)
	}
	var tv *version
	if to != "" {
		if tv = s.find(to); tv == nil {
			return fmt.Errorf("secret %q: version %q: %w", name, to, driver.ErrNotFound)
		}
	}
	s.move(stage, tv)
	return nil
}

// Versions implements driver.Store.
func (b *Backend) Versions(_ context.Context, name string) ([]driver.Version, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s, err := b.live(name)
	if err != nil {
		return nil, err
	}
	var out []driver.Version
	for _, v := range s.versions {
		if len(v.stages) > 0 {
			out = append(out, v.info())
		}
	}
	return out, nil
}

// Delete implements driver.Store.
func (b *Backend) Delete(_ context.Context, name string, recovery time.Duration) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	s, err := b.live(name)
	if err != nil {
		return err
	}
	if recovery == 0 {
		delete(b.secrets, name)
		return nil
	}
	s.deletesAt = b.now().Add(recovery)
	return nil
}

// Restore implements driver.Restorer.
func (b *Backend) Restore(_ context.Context, name string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, err := b.live(name); err == nil || !errors.Is(err, driver.ErrDeleted) {
		return err // live (nothing to do) or gone
	}
	b.secrets[name].deletesAt = time.Time{}
	return nil
}

// Close implements driver.Store.
func (b *Backend) Close() error { return nil }

func newID() string {
	var r [16]byte
	_, _ = rand.Read(r[:])
	return hex.EncodeToString(r[:])
}
