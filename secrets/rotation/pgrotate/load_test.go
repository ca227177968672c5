package pgrotate_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/rotation"
	"github.com/opskit-dev/opskit/secrets/rotation/pgrotate"
	"github.com/opskit-dev/opskit/secrets/secretsfake"
)

// TestRotationUnderLoad rotates five times while four clients each open a
// connection per request with the current secret, re-reading it and
// retrying on authentication failure (up to 2 s); it counts requests that
// still failed. Alternating users must lose none; single user neither,
// thanks to the retries, but it reports how many first attempts failed.
func TestRotationUnderLoad(t *testing.T) {
	for _, strategy := range []string{"single", "alternating"} {
		t.Run(strategy, func(t *testing.T) {
			e := newPG(t)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			store := secretsfake.NewStore()
			if _, err := store.Put(ctx, "app", pgrotate.Credentials(e.role, e.password), secrets.PutOptions{}); err != nil {
				t.Fatal(err)
			}
			var target rotation.Target = pgrotate.NewSingleUser(e.dsn)
			if strategy == "alternating" {
				if _, err := store.Put(ctx, "admin", e.admin, secrets.PutOptions{}); err != nil {
					t.Fatal(err)
				}
				target = pgrotate.NewAlternating(e.dsn, store, "admin")
			}
			var requests, firstFailed, failed atomic.Int64
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for range 4 {
				wg.Go(func() {
					for {
						select {
						case <-stop:
							return
						default:
						}
						requests.Add(1)
						ok := false
						for attempt := 0; attempt < 40 && !ok; attempt++ {
							cur, err := store.Get(ctx, "app")
							if err == nil {
								err = e.query(ctx, cur.Value)
							}
							switch {
							case err == nil:
								ok = true
							case attempt == 0:
								firstFailed.Add(1)
								fallthrough
							default:
								if !pgrotate.IsAuthFailure(err) {
									t.Errorf("request: %v", err)
									return
								}
								time.Sleep(50 * time.Millisecond)
							}
						}
						if !ok {
							failed.Add(1)
						}
					}
				})
			}
			r := rotation.New(store, target, rotation.Options{})
			start := time.Now()
			for range 5 {
				time.Sleep(200 * time.Millisecond)
				if _, err := r.Rotate(ctx, "app"); err != nil {
					t.Errorf("Rotate = %v", err)
				}
			}
			time.Sleep(200 * time.Millisecond)
			close(stop)
			wg.Wait()
			t.Logf("%s: 5 rotations in %v; %d requests, %d failed a first attempt, %d failed after retries",
				strategy, time.Since(start).Round(time.Millisecond), requests.Load(), firstFailed.Load(), failed.Load())
			if failed.Load() != 0 {
				t.Fatalf("%d of %d requests failed", failed.Load(), requests.Load())
			}
			if strategy == "alternating" && firstFailed.Load() != 0 {
				t.Fatalf("alternating users: %d first attempts failed; want 0", firstFailed.Load())
			}
			cur, _ := store.Get(ctx, "app")
			if err := e.query(ctx, cur.Value); err != nil {
				t.Fatalf("current secret after rotations: %v", err)
			}
		})
	}
}
