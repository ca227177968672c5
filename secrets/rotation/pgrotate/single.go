package pgrotate

import (
	"context"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/rotation"
)

// SingleUser rotates the password of one role, which changes its own
// password.
type SingleUser struct{ dsn string }

var _ rotation.Target = (*SingleUser)(nil)

// NewSingleUser returns the target; dsn names the server and database but
// no user or password.
func NewSingleUser(dsn string) *SingleUser { return &SingleUser{dsn: dsn} }

// Create implements rotation.Target: same user, new password.
func (s *SingleUser) Create(_ context.Context, current secrets.Value) (secrets.Value, error) {
	user, pw, err := ParseCredentials(current)
	if err != nil {
		return secrets.Value{}, err
	}
	pw.Zero()
	np, err := newPassword()
	if err != nil {
		return secrets.Value{}, err
	}
	return Credentials(user, np), nil
}

// Set implements rotation.Target: a no-op when pending already logs in
// (a previous run set it), else the role sets its own password.
func (s *SingleUser) Set(ctx context.Context, current, pending secrets.Value) error {
	user, newPW, err := ParseCredentials(pending)
	if err != nil {
		return err
	}
	if err := ping(ctx, s.dsn, user, newPW.Reveal()); err == nil {
		return nil
	}
	_, oldPW, err := ParseCredentials(current)
	if err != nil {
		return err
	}
	c, err := connect(ctx, s.dsn, user, oldPW.Reveal())
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	return setPassword(ctx, c, user, newPW.Reveal())
}

// Test implements rotation.Target: pending logs in and queries.
func (s *SingleUser) Test(ctx context.Context, pending secrets.Value) error {
	user, pw, err := ParseCredentials(pending)
	if err != nil {
		return err
	}
	return ping(ctx, s.dsn, user, pw.Reveal())
}
