package database

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// ErrNoPgStatStatements is returned when the pg_stat_statements extension
// is not installed in the database (or not preloaded).
var ErrNoPgStatStatements = errors.New("database: pg_stat_statements is not available")

// StatementOrder ranks statements.
type StatementOrder int

const (
	// ByTotalTime ranks by total execution time: where the server spends
	// its time.
	ByTotalTime StatementOrder = iota
	// ByMeanTime ranks by mean execution time: the slowest statements.
	ByMeanTime
)

// TopOptions selects statements.
type TopOptions struct {
	By    StatementOrder
	Limit int // default 10
	// AllDatabases includes statements run in other databases.
	AllDatabases bool
	// MinCalls skips statements called fewer times.
	MinCalls int64
}

// Statement is one normalised statement from pg_stat_statements.
type Statement struct {
	QueryID                       int64
	Query                         string
	User, Database                string
	Calls, Rows                   int64
	TotalTime, MeanTime, MaxTime  time.Duration
	SharedBlksHit, SharedBlksRead int64
	// HitRatio is shared_blks_hit / (hit + read), 1 when nothing was read.
	HitRatio float64
}

// TopStatements returns the top statements by total or mean execution time.
func TopStatements(ctx context.Context, q Querier, opts TopOptions) ([]Statement, error) {
	if opts.Limit <= 0 {
		opts.Limit = 10
	}
	order := "s.total_exec_time"
	if opts.By == ByMeanTime {
		order = "s.mean_exec_time"
	}
	// order is one of two constants, never caller input.
	rows, err := q.Query(ctx, `SELECT COALESCE(s.queryid, 0), s.query, COALESCE(r.rolname::text, ''), COALESCE(d.datname::text, ''),
		s.calls, s.rows, s.total_exec_time, s.mean_exec_time, s.max_exec_time, s.shared_blks_hit, s.shared_blks_read
		FROM pg_stat_statements s
		LEFT JOIN pg_roles r ON r.oid = s.userid
		LEFT JOIN pg_database d ON d.oid = s.dbid
		WHERE ($1 OR d.datname = current_database()) AND s.calls >= $2
		ORDER BY `+order+` DESC LIMIT $3`, opts.AllDatabases, opts.MinCalls, opts.Limit)
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && (pe.Code == "42P01" || pe.Code == "55000") {
			return nil, fmt.Errorf("%w: %s", ErrNoPgStatStatements, pe.Message)
		}
		return nil, fmt.Errorf("database: pg_stat_statements: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Statement, error) {
		var s Statement
		var total, mean, maxT float64
		err := r.Scan(&s.QueryID, &s.Query, &s.User, &s.Database, &s.Calls, &s.Rows, &total, &mean, &maxT, &s.SharedBlksHit, &s.SharedBlksRead)
		s.TotalTime, s.MeanTime, s.MaxTime = ms(total), ms(mean), ms(maxT)
		s.HitRatio = 1
		if n := s.SharedBlksHit + s.SharedBlksRead; n > 0 {
			s.HitRatio = float64(s.SharedBlksHit) / float64(n)
		}
		return s, err
	})
}

func ms(f float64) time.Duration { return time.Duration(f * float64(time.Millisecond)) }
