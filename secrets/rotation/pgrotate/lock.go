package pgrotate

import (
	"context"
	"fmt"

	"github.com/opskit-dev/opskit/secrets"
)

// AdvisoryLock returns a rotation.Options.Lock that serialises rotations
// of a secret across processes with a PostgreSQL session advisory lock
// keyed by the secret's name, taken as the role in the admin secret (any
// role can take advisory locks). The lock is released when the rotation
// ends or its connection drops, so a killed process never leaves it held.
func AdvisoryLock(dsn string, admin *secrets.Store, adminSecret string) func(ctx context.Context, name string) (func(), error) {
	return func(ctx context.Context, name string) (func(), error) {
		adm, err := admin.Get(ctx, adminSecret)
		if err != nil {
			return nil, fmt.Errorf("pgrotate: lock: admin secret: %w", err)
		}
		defer adm.Value.Zero()
		user, pw, err := ParseCredentials(adm.Value)
		if err != nil {
			return nil, err
		}
		c, err := connect(ctx, dsn, user, pw.Reveal())
		if err != nil {
			return nil, err
		}
		if _, err := c.Exec(ctx, "SELECT pg_advisory_lock(hashtextextended('opskit.rotation:' || $1, 0))", name); err != nil {
			_ = c.Close(context.Background())
			return nil, fmt.Errorf("pgrotate: lock %q: %w", name, err)
		}
		return func() { _ = c.Close(context.Background()) }, nil
	}
}
