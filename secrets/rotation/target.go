package rotation

import (
	"context"

	"github.com/opskit-dev/opskit/secrets"
)

// Target is what a secret protects: a database role, an API key. Each
// method is called again after a crash, so each must be idempotent.
type Target interface {
	// Create returns the value of the next version given the current one
	// (a new password, or for alternating users the other user).
	Create(ctx context.Context, current secrets.Value) (secrets.Value, error)
	// Set makes pending valid on the target; it may already be.
	Set(ctx context.Context, current, pending secrets.Value) error
	// Test checks that pending works (logs in, checks permissions).
	Test(ctx context.Context, pending secrets.Value) error
}
