package database

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// ErrInTransaction is returned when VACUUM would run inside a transaction
// block, where PostgreSQL refuses it.
var ErrInTransaction = errors.New("database: vacuum cannot run inside a transaction")

// VacuumRunOptions bounds a vacuum run.
type VacuumRunOptions struct {
	// Budget is the wall-clock time the run may take; a VACUUM still
	// running when it expires is cancelled (statement_timeout) and the
	// remaining tables are left for the next run. Zero means no limit.
	Budget time.Duration
	// MaxTables stops after this many tables (0: no limit).
	MaxTables int
	// ProgressInterval is how often pg_stat_progress_vacuum is sampled
	// (default 250ms).
	ProgressInterval time.Duration
	// Progress, when set, receives each sample and each table's result.
	Progress func(VacuumProgress)
}

// VacuumProgress is a sample of pg_stat_progress_vacuum for the table being
// vacuumed, or (Done) the outcome of one table.
type VacuumProgress struct {
	Table                                            string
	Phase                                            string
	HeapBlksTotal, HeapBlksScanned, HeapBlksVacuumed int64
	IndexVacuumCount                                 int64
	Done                                             bool
	Err                                              error
	Elapsed                                          time.Duration
}

// VacuumResult is the outcome of one table in a run.
type VacuumResult struct {
	Table   string
	Action  VacuumAction
	SQL     string
	Elapsed time.Duration
	// Err is set when the statement failed; TimedOut when the budget
	// cancelled it.
	Err      error
	TimedOut bool
}

// RunVacuum vacuums the tables in advice (most urgent first, as Advise
// returns them) that need an action, within opts' budget: VACUUM (FREEZE,
// ANALYZE) for freeze advice, VACUUM (ANALYZE) for vacuum advice and
// ANALYZE alone for analyze advice. Each statement runs on its own
// session of pool (database.Pool(p) for a *pgxpool.Pool) outside any
// transaction.
func RunVacuum(ctx context.Context, pool ConnPool, advice []TableAdvice, opts VacuumRunOptions) ([]VacuumResult, error) {
	if opts.ProgressInterval <= 0 {
		opts.ProgressInterval = 250 * time.Millisecond
	}
	var deadline time.Time
	if opts.Budget > 0 {
		deadline = time.Now().Add(opts.Budget)
	}
	var out []VacuumResult
	for _, a := range advice {
		if a.Action == ActionNone {
			continue
		}
		if opts.MaxTables > 0 && len(out) >= opts.MaxTables {
			break
		}
		remaining := time.Until(deadline)
		if !deadline.IsZero() && remaining < 10*time.Millisecond {
			break
		}
		if err := ctx.Err(); err != nil {
			return out, err
		}
		res := VacuumResult{Table: a.Table.QualifiedName(), Action: a.Action, SQL: vacuumSQL(a)}
		res.Elapsed, res.Err = runOne(ctx, pool, res.Table, res.SQL, remaining, deadline.IsZero(), opts)
		var pe *pgconn.PgError
		if errors.As(res.Err, &pe) && pe.Code == "57014" && !deadline.IsZero() && ctx.Err() == nil {
			res.TimedOut = true
		}
		if opts.Progress != nil {
			opts.Progress(VacuumProgress{Table: res.Table, Done: true, Err: res.Err, Elapsed: res.Elapsed})
		}
		out = append(out, res)
		if errors.Is(res.Err, ErrInTransaction) {
			return out, res.Err
		}
	}
	return out, nil
}

// progressSQL samples VACUUM's progress, or ANALYZE's (phases prefixed
// "analyze: ", sample blocks reported as heap blocks).
const progressSQL = `SELECT phase, heap_blks_total, heap_blks_scanned, heap_blks_vacuumed, index_vacuum_count
	FROM pg_stat_progress_vacuum WHERE pid = $1
	UNION ALL
	SELECT 'analyze: ' || phase, sample_blks_total, sample_blks_scanned, 0, 0
	FROM pg_stat_progress_analyze WHERE pid = $1`

func vacuumSQL(a TableAdvice) string {
	name := a.Table.QualifiedName()
	switch a.Action {
	case ActionFreeze:
		return "VACUUM (FREEZE, ANALYZE) " + name
	case ActionAnalyze:
		return "ANALYZE " + name
	default:
		return "VACUUM (ANALYZE) " + name
	}
}

func runOne(ctx context.Context, pool ConnPool, table, sql string, remaining time.Duration, unlimited bool, opts VacuumRunOptions) (time.Duration, error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return 0, fmt.Errorf("database: vacuum %s: %w", table, err)
	}
	defer conn.Release()
	if conn.TxStatus() != 'I' {
		return 0, ErrInTransaction
	}
	timeout := "0"
	if !unlimited {
		timeout = fmt.Sprint(max(remaining.Milliseconds(), 1))
	}
	if _, err := conn.Exec(ctx, "SELECT set_config('statement_timeout', $1, false)", timeout); err != nil {
		return 0, fmt.Errorf("database: vacuum %s: %w", table, err)
	}
	defer func() { _, _ = conn.Exec(context.WithoutCancel(ctx), "RESET statement_timeout") }()
	pid := conn.PID()

	// The sampler gets its connection before the statement starts, so the
	// first sample is not delayed by a connection handshake.
	var sampler Conn
	if opts.Progress != nil {
		if sampler, err = pool.Acquire(ctx); err != nil {
			return 0, fmt.Errorf("database: vacuum %s: progress connection: %w", table, err)
		}
		defer sampler.Release()
	}
	sctx, stop := context.WithCancel(ctx)
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		if sampler == nil {
			return
		}
		t := time.NewTicker(opts.ProgressInterval)
		defer t.Stop()
		for {
			select {
			case <-sctx.Done():
				return
			case <-t.C:
			}
			p := VacuumProgress{Table: table}
			err := sampler.QueryRow(sctx, progressSQL, pid).Scan(&p.Phase, &p.HeapBlksTotal, &p.HeapBlksScanned, &p.HeapBlksVacuumed, &p.IndexVacuumCount)
			if err == nil {
				opts.Progress(p)
			}
		}
	}()
	start := time.Now()
	// No arguments: pgx sends the simple protocol, one statement, no
	// transaction block.
	_, err = conn.Exec(ctx, sql)
	stop()
	<-sampled
	if err != nil {
		return time.Since(start), fmt.Errorf("database: %s: %w", sql, err)
	}
	return time.Since(start), nil
}
