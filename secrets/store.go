package secrets

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"time"

	"github.com/opskit-dev/opskit/secrets/driver"
)

// Options configures a Store. The zero value is ready to use.
type Options struct{}

// Store is the type users hold: one secret store over a backend. It checks
// input before calling the backend and wraps every backend error in an
// *OpError that names the secret and never its value. Safe for concurrent use.
type Store struct {
	d      driver.Store
	opts   Options
	closed atomic.Bool
}

// New returns a Store over the backend d.
func New(d driver.Store, opts Options) *Store { return &Store{d: d, opts: opts} }

// PutOptions configures Put.
type PutOptions struct {
	// Stages the new version carries; empty means StageCurrent. The first
	// version of a secret always carries StageCurrent.
	Stages []Stage
}

// DeleteOptions configures Delete.
type DeleteOptions struct {
	// RecoveryWindow keeps the secret restorable for this long; zero
	// deletes it at once. Backends without a recovery window return
	// ErrUnsupported for a non-zero window.
	RecoveryWindow time.Duration
}

// Get returns the current version of the secret name.
func (s *Store) Get(ctx context.Context, name string) (Secret, error) {
	return s.GetStage(ctx, name, StageCurrent)
}

// GetStage returns the version of name that carries stage.
func (s *Store) GetStage(ctx context.Context, name string, stage Stage) (Secret, error) {
	if err := s.check(name); err != nil {
		return Secret{}, err
	}
	if err := validStage(name, stage); err != nil {
		return Secret{}, err
	}
	return s.get(ctx, name, driver.Ref{Stage: string(stage)})
}

// GetVersion returns the version of name whose ID is id.
func (s *Store) GetVersion(ctx context.Context, name, id string) (Secret, error) {
	if err := s.check(name); err != nil {
		return Secret{}, err
	}
	if id == "" {
		return Secret{}, invalid(secretInput(name), "version", "empty")
	}
	return s.get(ctx, name, driver.Ref{VersionID: id})
}

func (s *Store) get(ctx context.Context, name string, ref driver.Ref) (Secret, error) {
	v, b, err := s.d.Get(ctx, name, ref)
	if err != nil {
		return Secret{}, &OpError{Op: "get", Name: name, Err: err}
	}
	return Secret{Name: name, Version: fromDriver(v), Value: NewValue(b)}, nil
}

// Put stores value as a new version of name (creating the secret if
// needed) and returns the version. Moving StageCurrent attaches
// StagePrevious to the version it left.
func (s *Store) Put(ctx context.Context, name string, value Value, opts PutOptions) (Version, error) {
	if err := s.check(name); err != nil {
		return Version{}, err
	}
	if err := validValue(name, value); err != nil {
		return Version{}, err
	}
	stages := []string{driver.StageCurrent}
	if len(opts.Stages) > 0 {
		stages = stages[:0]
		for _, st := range opts.Stages {
			if err := validStage(name, st); err != nil {
				return Version{}, err
			}
			if !slices.Contains(stages, string(st)) {
				stages = append(stages, string(st))
			}
		}
	}
	v, err := s.d.Put(ctx, name, value.Bytes(), stages)
	if err != nil {
		return Version{}, &OpError{Op: "put", Name: name, Err: scrubAll(err, value.Bytes())}
	}
	return fromDriver(v), nil
}

// MoveStage attaches stage to the version id, taking it from whichever
// version had it; an empty id removes the stage. Moving StageCurrent
// attaches StagePrevious to the version it left. Moving a stage to the
// version that already has it does nothing.
func (s *Store) MoveStage(ctx context.Context, name string, stage Stage, id string) error {
	if err := s.check(name); err != nil {
		return err
	}
	if err := validStage(name, stage); err != nil {
		return err
	}
	if stage == StageCurrent && id == "" {
		return invalid(secretInput(name), "version", "the current stage cannot be removed, only moved")
	}
	vs, err := s.d.Versions(ctx, name)
	if err != nil {
		return &OpError{Op: "move stage", Name: name, Err: err}
	}
	from := ""
	for _, v := range vs {
		if slices.Contains(v.Stages, string(stage)) {
			from = v.ID
		}
	}
	if from == id {
		return nil
	}
	if err := s.d.MoveStage(ctx, name, string(stage), from, id); err != nil {
		return &OpError{Op: "move stage", Name: name, Err: err}
	}
	return nil
}

// Versions lists the versions of name that carry a stage, oldest first.
func (s *Store) Versions(ctx context.Context, name string) ([]Version, error) {
	if err := s.check(name); err != nil {
		return nil, err
	}
	vs, err := s.d.Versions(ctx, name)
	if err != nil {
		return nil, &OpError{Op: "list versions", Name: name, Err: err}
	}
	out := make([]Version, 0, len(vs))
	for _, v := range vs {
		out = append(out, fromDriver(v))
	}
	slices.SortStableFunc(out, func(a, b Version) int { return a.Created.Compare(b.Created) })
	return out, nil
}

// Delete deletes the secret name and all its versions. Deleting a secret
// that does not exist succeeds (Secrets Manager does the same for an
// immediate deletion).
func (s *Store) Delete(ctx context.Context, name string, opts DeleteOptions) error {
	if err := s.check(name); err != nil {
		return err
	}
	if opts.RecoveryWindow < 0 {
		return invalid(secretInput(name), "recovery window", "negative")
	}
	if err := s.d.Delete(ctx, name, opts.RecoveryWindow); err != nil && !errors.Is(err, ErrNotFound) {
		return &OpError{Op: "delete", Name: name, Err: err}
	}
	return nil
}

// Restore cancels the scheduled deletion of name, on backends with a
// recovery window (ErrUnsupported otherwise).
func (s *Store) Restore(ctx context.Context, name string) error {
	if err := s.check(name); err != nil {
		return err
	}
	r, ok := s.d.(driver.Restorer)
	if !ok {
		return &OpError{Op: "restore", Name: name, Err: ErrUnsupported}
	}
	if err := r.Restore(ctx, name); err != nil {
		return &OpError{Op: "restore", Name: name, Err: err}
	}
	return nil
}

// Close closes the backend; later calls return ErrClosed.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	return s.d.Close()
}

func (s *Store) check(name string) error {
	if s.closed.Load() {
		return ErrClosed
	}
	return validName(name)
}
