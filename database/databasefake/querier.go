package databasefake

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// StatementWAL is the WAL, in bytes, that each statement Exec commits on
// the primary.
const StatementWAL = 256

// Statement is a write a primary committed through a node's Querier.
type Statement struct {
	SQL  string
	Args []any
	// LSN is the WAL position of its commit.
	LSN uint64
}

// Query is a read to answer: the statement, the node it runs on and the
// writes that node has replayed (all of them on the primary), oldest
// first.
type Query struct {
	Node     int
	SQL      string
	Args     []any
	Replayed []Statement
}

// Answer computes the rows of a read from the writes its node has
// replayed, so a read on a lagging standby sees stale data as it would
// on a real one. An error is returned to the caller as it is.
type Answer func(Query) ([][]any, error)

// SetAnswer sets how reads are answered. Without one, every read returns
// no rows, except SELECT pg_is_in_recovery(), which the cluster answers
// from the node's state.
func (c *Cluster) SetAnswer(a Answer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.answer = a
}

// Statements returns every write the primary committed through Exec,
// oldest first.
func (c *Cluster) Statements() []Statement {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.replayed(^uint64(0))
}

// replayed returns the statements at or below lsn; c.mu is held.
func (c *Cluster) replayed(lsn uint64) []Statement {
	var out []Statement
	for _, w := range c.log {
		if w.st != nil && w.lsn <= lsn {
			st := *w.st
			st.Args = slices.Clone(st.Args)
			out = append(out, st)
		}
	}
	return out
}

// querier is a node's database.Querier.
type querier struct{ n *node }

// Exec commits the statement on a primary (StatementWAL bytes of WAL,
// streamed to the standbys) and refuses it on a standby with SQLSTATE
// 25006, as a hot standby refuses any write.
func (q querier) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	f, err := q.n.running(ctx)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	c := q.n.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if f.standby {
		return pgconn.CommandTag{}, &pgconn.PgError{Severity: "ERROR", Code: "25006", Message: "cannot execute statement in a read-only transaction"}
	}
	c.commit(f, StatementWAL, &Statement{SQL: sql, Args: slices.Clone(args)})
	verb, _, _ := strings.Cut(strings.TrimSpace(sql), " ")
	return pgconn.NewCommandTag(strings.ToUpper(verb)), nil
}

// Query answers the read with the cluster's Answer.
func (q querier) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	f, err := q.n.running(ctx)
	if err != nil {
		return nil, err
	}
	c := q.n.c
	c.mu.Lock()
	if strings.EqualFold(strings.TrimSpace(sql), "SELECT pg_is_in_recovery()") {
		standby := f.standby
		c.mu.Unlock()
		return &rows{data: [][]any{{standby}}}, nil
	}
	in := Query{Node: q.n.i, SQL: sql, Args: slices.Clone(args), Replayed: c.replayed(f.lsn)}
	answer := c.answer
	c.mu.Unlock()
	if answer == nil {
		return &rows{}, nil
	}
	data, err := answer(in)
	if err != nil {
		return nil, err
	}
	return &rows{data: data}, nil
}

// QueryRow is Query's first row; Scan returns pgx.ErrNoRows when there
// is none.
func (q querier) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	rs, err := q.Query(ctx, sql, args...)
	return row{rs: rs, err: err}
}

// errNoTx is returned by Begin.
var errNoTx = errors.New("databasefake: transactions are not modelled")

// Begin is not modelled: it returns an error (see the package's Limits).
func (q querier) Begin(ctx context.Context) (pgx.Tx, error) {
	if err := q.n.check(ctx); err != nil {
		return nil, err
	}
	return nil, errNoTx
}
