package database

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
)

// Write runs fn on the primary. A 25006 (read_only_sql_transaction) error
// means the node is no longer the primary: the router rediscovers the
// primary and, when it found a different one, runs fn once more there
// (nothing was written by the refused attempt). Other failures are returned
// without retry because a write may have happened; a connection failure
// also takes the node out of rotation. With no primary known, Write runs a
// probe round first and returns ErrNoPrimary when none is found.
func (r *Router) Write(ctx context.Context, fn func(ctx context.Context, q Querier) error) error {
	if r.closed.Load() {
		return ErrClosed
	}
	p := r.route.Load().primary
	if p == nil {
		r.checkOnce(ctx)
		if p = r.route.Load().primary; p == nil {
			return ErrNoPrimary
		}
	}
	err := fn(ctx, p.q)
	if err == nil {
		return nil
	}
	switch {
	case isReadOnlyError(err):
		p.node.Reset()
		r.checkOnce(ctx)
		if q := r.route.Load().primary; q != nil && q != p {
			return fn(ctx, q.q)
		}
		return err
	case isNodeFailure(err):
		r.markDown(p, err)
	}
	return err
}

// Exec runs one statement on the primary through Write and returns its
// command tag.
func (r *Router) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	var tag pgconn.CommandTag
	err := r.Write(ctx, func(ctx context.Context, q Querier) error {
		var err error
		tag, err = q.Exec(ctx, sql, args...)
		return err
	})
	return tag, err
}

// isReadOnlyError reports SQLSTATE 25006 (read_only_sql_transaction).
func isReadOnlyError(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "25006"
}

// isNodeFailure reports errors that mean the node (not the statement) failed.
func isNodeFailure(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code[:2] {
		case "08", "57": // connection exception, operator intervention
			return pe.Code != "57014" // query_canceled is the caller's doing
		}
		return false
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	// Anything else from pgx that is not a server error is a transport
	// failure: EOF, reset, conn closed.
	return pgconn.SafeToRetry(err) || errors.Is(err, pgconn.ErrConnClosed) || isNetErr(err)
}
