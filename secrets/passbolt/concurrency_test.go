package passbolt_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/secrets/passbolt"
)

// TestConcurrentUse: one client used from several goroutines while its
// token ages refreshes once per expiry, not once per goroutine, and every
// call succeeds.
func TestConcurrentUse(t *testing.T) {
	e := newEnv(t, "alice")
	rec := &recorder{}
	o := e.options("alice")
	o.HTTP = rec
	c, err := passbolt.Dial(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	r, err := c.CreateResource(ctx, passbolt.ResourceInput{Name: "x"}, pw("y"))
	if err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 3; round++ {
		e.clock.Advance(4*time.Minute + 30*time.Second)
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, s, err := c.ReadResource(ctx, r.ID)
				if err == nil && s.Password.Reveal() != "y" {
					t.Error("wrong secret")
				}
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
	}
	if got := rec.count("/auth/jwt/refresh.json", 200); got != 3 {
		t.Errorf("%d refreshes for 3 expiries; want 3", got)
	}
}
