package database

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
)

// ConnPool hands out dedicated server sessions. RunVacuum needs one per
// statement (its statement_timeout and backend PID belong to the
// session) and a second one for progress samples. Pool adapts a
// *pgxpool.Pool.
type ConnPool interface {
	// Acquire returns a session held until its Release.
	Acquire(ctx context.Context) (Conn, error)
}

// Conn is one server session, held until Release.
type Conn interface {
	Querier
	// PID is the session's backend process ID (pg_backend_pid()).
	PID() uint32
	// TxStatus is the session's transaction status as the server last
	// reported it: 'I' idle, 'T' in a transaction block, 'E' in a failed one.
	TxStatus() byte
	// Release returns the session to its pool.
	Release()
}

// Pool adapts a *pgxpool.Pool to a ConnPool.
func Pool(p *pgxpool.Pool) ConnPool { return pgxConnPool{p} }

type pgxConnPool struct{ p *pgxpool.Pool }

func (p pgxConnPool) Acquire(ctx context.Context) (Conn, error) {
	c, err := p.p.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	return pgxConn{c}, nil
}

type pgxConn struct{ *pgxpool.Conn }

func (c pgxConn) PID() uint32    { return c.Conn.Conn().PgConn().PID() }
func (c pgxConn) TxStatus() byte { return c.Conn.Conn().PgConn().TxStatus() }
