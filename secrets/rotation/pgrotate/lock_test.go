package pgrotate_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/rotation"
	"github.com/opskit-dev/opskit/secrets/rotation/pgrotate"
	"github.com/opskit-dev/opskit/secrets/secretsfake"
)

// slowTarget fails the test if two rotations overlap.
type slowTarget struct {
	t      *testing.T
	active atomic.Int32
	n      atomic.Int32
}

func (s *slowTarget) Create(context.Context, secrets.Value) (secrets.Value, error) {
	if s.active.Add(1) != 1 {
		s.t.Error("two rotations of one secret at once")
	}
	return secrets.NewValue(fmt.Appendf(nil, "v%d", s.n.Add(1))), nil
}

func (s *slowTarget) Set(context.Context, secrets.Value, secrets.Value) error {
	time.Sleep(30 * time.Millisecond)
	return nil
}

func (s *slowTarget) Test(context.Context, secrets.Value) error {
	s.active.Add(-1)
	return nil
}

// TestAdvisoryLock runs two Rotators (as two processes would, sharing no
// memory lock) on one secret at once; the PostgreSQL advisory lock keeps
// their rotations from overlapping.
func TestAdvisoryLock(t *testing.T) {
	e := newPG(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	store := secretsfake.NewStore()
	_, _ = store.Put(ctx, "admin", e.admin, secrets.PutOptions{})
	_, _ = store.Put(ctx, "k", secrets.NewValue([]byte("v0")), secrets.PutOptions{})
	target := &slowTarget{t: t}
	lock := pgrotate.AdvisoryLock(e.dsn, store, "admin")
	var wg sync.WaitGroup
	for range 2 {
		r := rotation.New(store, target, rotation.Options{Lock: lock})
		wg.Go(func() {
			for range 4 {
				if _, err := r.Rotate(ctx, "k"); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if target.n.Load() != 8 {
		t.Fatalf("%d rotations; want 8", target.n.Load())
	}
}
