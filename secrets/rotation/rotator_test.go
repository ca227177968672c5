package rotation_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/rotation"
	"github.com/opskit-dev/opskit/secrets/secretsfake"
)

// counterTarget's valid value is whatever Set last set; Create counts.
type counterTarget struct {
	mu    sync.Mutex
	n     int
	valid map[string]bool
	sets  int
}

func (c *counterTarget) Create(context.Context, secrets.Value) (secrets.Value, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	return secrets.NewValue(fmt.Appendf(nil, "v%d", c.n)), nil
}

func (c *counterTarget) Set(_ context.Context, _, p secrets.Value) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.valid[p.Reveal()] = true
	c.sets++
	return nil
}

func (c *counterTarget) Test(_ context.Context, p secrets.Value) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.valid[p.Reveal()] {
		return errors.New("not valid")
	}
	return nil
}

func TestRotateStopsAndResumes(t *testing.T) {
	ctx := context.Background()
	for _, stop := range []rotation.Step{rotation.StepCreate, rotation.StepSet, rotation.StepTest} {
		t.Run(stop.String(), func(t *testing.T) {
			s := secretsfake.NewStore()
			v0, _ := s.Put(ctx, "k", secrets.NewValue([]byte("v0")), secrets.PutOptions{})
			target := &counterTarget{valid: map[string]bool{"v0": true}}
			crash := errors.New("crash")
			r := rotation.New(s, target, rotation.Options{AfterStep: func(_ context.Context, _ string, st rotation.Step) error {
				if st == stop {
					return crash
				}
				return nil
			}})
			if _, err := r.Rotate(ctx, "k"); !errors.Is(err, crash) {
				t.Fatalf("Rotate = %v; want the crash after %s", err, stop)
			}
			id, err := rotation.New(s, target, rotation.Options{}).Rotate(ctx, "k")
			if err != nil {
				t.Fatalf("resumed Rotate = %v", err)
			}
			cur, _ := s.Get(ctx, "k")
			prev, _ := s.GetStage(ctx, "k", secrets.StagePrevious)
			if cur.Version.ID != id || cur.Value.Reveal() != "v1" || prev.Version.ID != v0.ID || target.n != 1 {
				t.Fatalf("after resume: current %s=%q (want %s=v1), previous %s (want %s), %d creates (want 1)",
					cur.Version.ID, cur.Value.Reveal(), id, prev.Version.ID, v0.ID, target.n)
			}
			if _, err := s.GetStage(ctx, "k", secrets.StagePending); !errors.Is(err, secrets.ErrNotFound) {
				t.Fatalf("pending after resume: %v; want ErrNotFound", err)
			}
		})
	}
}

// TestRotateResumesFinish: a run that moved current but not pending is
// finished by removing pending, without a new version.
func TestRotateResumesFinish(t *testing.T) {
	ctx := context.Background()
	s := secretsfake.NewStore()
	_, _ = s.Put(ctx, "k", secrets.NewValue([]byte("v0")), secrets.PutOptions{})
	v1, _ := s.Put(ctx, "k", secrets.NewValue([]byte("v1")), secrets.PutOptions{Stages: []secrets.Stage{secrets.StagePending}})
	_ = s.MoveStage(ctx, "k", secrets.StageCurrent, v1.ID)
	target := &counterTarget{valid: map[string]bool{"v0": true, "v1": true}}
	id, err := rotation.New(s, target, rotation.Options{}).Rotate(ctx, "k")
	if err != nil || id != v1.ID || target.n != 0 {
		t.Fatalf("Rotate = %s, %v with %d creates; want %s, nil, 0", id, err, target.n, v1.ID)
	}
	if _, err := s.GetStage(ctx, "k", secrets.StagePending); !errors.Is(err, secrets.ErrNotFound) {
		t.Fatalf("pending left: %v", err)
	}
}

func TestRotateSerialises(t *testing.T) {
	ctx := context.Background()
	s := secretsfake.NewStore()
	_, _ = s.Put(ctx, "k", secrets.NewValue([]byte("v0")), secrets.PutOptions{})
	target := &counterTarget{valid: map[string]bool{"v0": true}}
	r := rotation.New(s, target, rotation.Options{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := r.Rotate(ctx, "k"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	vs, _ := s.Versions(ctx, "k")
	if target.n != 8 || target.sets != 8 || len(vs) != 2 {
		t.Fatalf("8 rotations: %d creates, %d sets, %d versions; want 8, 8, 2", target.n, target.sets, len(vs))
	}
}

func TestRotateNoCurrent(t *testing.T) {
	r := rotation.New(secretsfake.NewStore(), &counterTarget{}, rotation.Options{})
	if _, err := r.Rotate(context.Background(), "missing"); !errors.Is(err, rotation.ErrNoCurrent) {
		t.Fatalf("Rotate(missing) = %v; want ErrNoCurrent", err)
	}
}
