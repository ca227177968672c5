package databasefake_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/opskit-dev/opskit/database/databasefake"
)

func TestQueryAnswers(t *testing.T) {
	ctx := context.Background()
	c := databasefake.NewCluster(1, nil)
	c.SetAnswer(func(q databasefake.Query) ([][]any, error) {
		if q.SQL == "none" {
			return nil, nil
		}
		return [][]any{{int64(len(q.Replayed)), "x", nil}}, nil
	})
	q := c.Nodes()[0].Querier()
	if _, err := q.Exec(ctx, "INSERT INTO t VALUES ($1)", 1); err != nil {
		t.Fatal(err)
	}
	var n int32
	var s string
	var p *string
	if err := q.QueryRow(ctx, "count").Scan(&n, &s, &p); err != nil || n != 1 || s != "x" || p != nil {
		t.Fatalf("Scan = %v: %d %q %v; want 1 \"x\" nil (int64 converted to int32, NULL into a pointer)", err, n, s, p)
	}
	if err := q.QueryRow(ctx, "count").Scan(&n, &s, &n); err == nil {
		t.Error("NULL scanned into an int32 without an error")
	}
	if err := q.QueryRow(ctx, "count").Scan(&n); err == nil {
		t.Error("3 columns scanned into 1 destination without an error")
	}
	if err := q.QueryRow(ctx, "none").Scan(&n); !errors.Is(err, pgx.ErrNoRows) {
		t.Errorf("no rows: %v, want pgx.ErrNoRows", err)
	}
	if got := c.Statements(); len(got) != 1 || got[0].SQL != "INSERT INTO t VALUES ($1)" || got[0].Args[0] != 1 || got[0].LSN == 0 {
		t.Errorf("Statements = %+v", got)
	}
	if _, err := q.Begin(ctx); err == nil {
		t.Error("Begin succeeded; transactions are not modelled")
	}
}
