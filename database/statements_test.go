package database

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/opskit-dev/opskit/internal/testenv"
)

func TestTopStatements(t *testing.T) {
	pg := testenv.PostgreSQL(t)
	dsn, _, _ := scratchDB(t, pg)
	ctx := context.Background()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := TopStatements(ctx, c, TopOptions{}); !errors.Is(err, ErrNoPgStatStatements) {
		t.Fatalf("without the extension: %v, want ErrNoPgStatStatements", err)
	}
	exec1(t, dsn, "CREATE EXTENSION pg_stat_statements")
	for range 3 {
		if _, err := c.Exec(ctx, "SELECT pg_sleep(0.05)"); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 200 {
		if _, err := c.Exec(ctx, "SELECT $1::int + 1", i); err != nil {
			t.Fatal(err)
		}
	}
	byMean, err := TopStatements(ctx, c, TopOptions{By: ByMeanTime, Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(byMean) == 0 || !strings.Contains(byMean[0].Query, "pg_sleep") || byMean[0].Calls != 3 || byMean[0].MeanTime < 45*time.Millisecond {
		t.Fatalf("top by mean: %+v", byMean)
	}
	byCalls, err := TopStatements(ctx, c, TopOptions{By: ByTotalTime, MinCalls: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(byCalls) != 1 || byCalls[0].Calls != 200 || !strings.Contains(byCalls[0].Query, "$1::int + $2") {
		t.Fatalf("statements called >= 100 times: %+v", byCalls)
	}
	for _, s := range byMean {
		if s.Database != byMean[0].Database {
			t.Fatalf("statement from another database: %+v", s)
		}
	}
	t.Logf("slowest: %q calls=%d mean=%v total=%v", byMean[0].Query, byMean[0].Calls, byMean[0].MeanTime, byMean[0].TotalTime)

	before, err := SlowQuerySettings(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	e := &auditEnv{admin: pg.PrimaryDSN, resources: map[string]string{}}
	setSystem("log_min_duration_statement", "250ms")(t, e)
	waitFor(t, 5*time.Second, "log_min_duration_statement to apply", func() bool {
		c2, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return false
		}
		defer c2.Close(ctx)
		l, err := SlowQuerySettings(ctx, c2)
		return err == nil && l.MinDuration == 250*time.Millisecond
	})
	t.Logf("slow-query log before: %+v", before)
}
