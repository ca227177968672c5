package rotation

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/opskit-dev/opskit/secrets"
)

// Options configures a Rotator. The zero value is ready to use.
type Options struct {
	// AfterStep, if set, is called after each step completes with the
	// step; an error stops the rotation there (tests use it to stop a
	// process between steps).
	AfterStep func(ctx context.Context, name string, s Step) error
	// Lock, if set, serialises rotations of one secret across processes
	// (for example a PostgreSQL advisory lock); the Rotator always
	// serialises them within the process.
	Lock func(ctx context.Context, name string) (unlock func(), err error)
}

// Rotator rotates secrets of one store on one target.
type Rotator struct {
	store  *secrets.Store
	target Target
	opts   Options

	mu    sync.Mutex
	locks map[string]*sync.Mutex
}

// New returns a Rotator.
func New(store *secrets.Store, target Target, opts Options) *Rotator {
	return &Rotator{store: store, target: target, opts: opts, locks: map[string]*sync.Mutex{}}
}

// ErrNoCurrent is returned when the secret has no current version to
// rotate from.
var ErrNoCurrent = errors.New("rotation: secret has no current version")

// StepError is a failed step.
type StepError struct {
	Name string
	Step Step
	Err  error
}

// Error implements error.
func (e *StepError) Error() string {
	return fmt.Sprintf("rotation: secret %q: %s: %v", e.Name, e.Step, e.Err)
}

// Unwrap returns the cause.
func (e *StepError) Unwrap() error { return e.Err }

func (r *Rotator) lock(name string) *sync.Mutex {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := r.locks[name]
	if m == nil {
		m = &sync.Mutex{}
		r.locks[name] = m
	}
	return m
}

// Rotate runs the four steps for the secret name, resuming a rotation a
// previous run left unfinished, and returns the new current version's ID.
func (r *Rotator) Rotate(ctx context.Context, name string) (string, error) {
	m := r.lock(name)
	m.Lock()
	defer m.Unlock()
	if r.opts.Lock != nil {
		unlock, err := r.opts.Lock(ctx, name)
		if err != nil {
			return "", fmt.Errorf("rotation: secret %q: lock: %w", name, err)
		}
		defer unlock()
	}
	cur, err := r.store.Get(ctx, name)
	if err != nil {
		if errors.Is(err, secrets.ErrNotFound) {
			return "", fmt.Errorf("rotation: secret %q: %w: %w", name, ErrNoCurrent, err)
		}
		return "", fmt.Errorf("rotation: secret %q: %w", name, err)
	}
	defer cur.Value.Zero()

	// createSecret: reuse a pending version a previous run left.
	pend, err := r.store.GetStage(ctx, name, secrets.StagePending)
	switch {
	case err == nil && pend.Version.ID == cur.Version.ID:
		// A previous run moved current but stopped before removing
		// pending: only the end of finishSecret is left.
		if err := r.store.MoveStage(ctx, name, secrets.StagePending, ""); err != nil {
			return "", &StepError{name, StepFinish, err}
		}
		return cur.Version.ID, nil
	case err == nil:
	case errors.Is(err, secrets.ErrNotFound):
		v, err := r.target.Create(ctx, cur.Value)
		if err != nil {
			return "", &StepError{name, StepCreate, err}
		}
		ver, err := r.store.Put(ctx, name, v, secrets.PutOptions{Stages: []secrets.Stage{secrets.StagePending}})
		if err != nil {
			v.Zero()
			return "", &StepError{name, StepCreate, err}
		}
		pend = secrets.Secret{Name: name, Version: ver, Value: v}
	default:
		return "", &StepError{name, StepCreate, err}
	}
	defer pend.Value.Zero()
	if err := r.after(ctx, name, StepCreate); err != nil {
		return "", err
	}
	if err := r.target.Set(ctx, cur.Value, pend.Value); err != nil {
		return "", &StepError{name, StepSet, err}
	}
	if err := r.after(ctx, name, StepSet); err != nil {
		return "", err
	}
	if err := r.target.Test(ctx, pend.Value); err != nil {
		return "", &StepError{name, StepTest, err}
	}
	if err := r.after(ctx, name, StepTest); err != nil {
		return "", err
	}
	if err := r.store.MoveStage(ctx, name, secrets.StageCurrent, pend.Version.ID); err != nil {
		return "", &StepError{name, StepFinish, err}
	}
	if err := r.store.MoveStage(ctx, name, secrets.StagePending, ""); err != nil {
		return "", &StepError{name, StepFinish, err}
	}
	if err := r.after(ctx, name, StepFinish); err != nil {
		return "", err
	}
	return pend.Version.ID, nil
}

func (r *Rotator) after(ctx context.Context, name string, s Step) error {
	if r.opts.AfterStep == nil {
		return nil
	}
	if err := r.opts.AfterStep(ctx, name, s); err != nil {
		return &StepError{name, s, err}
	}
	return nil
}
