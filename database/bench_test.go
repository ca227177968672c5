package database

import (
	"context"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/opskit-dev/opskit/internal/testenv"
)

// pgbenchDB creates a scratch database initialised by pgbench -i (scale 1:
// 100,000 rows in pgbench_accounts) and waits until the replica has it.
func pgbenchDB(b *testing.B) (primary, replica string) {
	b.Helper()
	pg := testenv.PostgreSQL(b)
	primary, replica, name := scratchDB(b, pg)
	u, _ := url.Parse(pg.PrimaryDSN)
	pw, _ := u.User.Password()
	cmd := exec.Command(pgBin+"/pgbench", "-i", "-q", "-s", "1", name)
	cmd.Env = append(os.Environ(), "PGHOST="+u.Hostname(), "PGPORT="+u.Port(), "PGUSER="+u.User.Username(), "PGPASSWORD="+pw, "PGSSLMODE=disable")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("pgbench -i: %v\n%s", err, out)
	}
	ctx := context.Background()
	deadline := time.Now().Add(30 * time.Second)
	for {
		p, err := pgxpool.New(ctx, replica)
		if err == nil {
			var n int
			err = p.QueryRow(ctx, "SELECT count(*) FROM pgbench_accounts").Scan(&n)
			p.Close()
			if err == nil && n == 100000 {
				return primary, replica
			}
		}
		if time.Now().After(deadline) {
			b.Fatalf("replica never caught up with pgbench -i: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

const benchSQL = "SELECT abalance FROM pgbench_accounts WHERE aid = $1"

// BenchmarkRead compares one primary-key read through the router (to the
// replica) with the same read on a raw pgxpool on the replica.
func BenchmarkRead(b *testing.B) {
	primary, replica := pgbenchDB(b)
	ctx := context.Background()
	settle(b, primary, replica)
	b.Run("opskit-router", func(b *testing.B) {
		r, err := DialRouter(ctx, primary, RouterOptions{Replicas: []string{replica}})
		if err != nil {
			b.Fatal(err)
		}
		defer r.Close()
		var standby bool
		if err := r.QueryRow(ctx, "SELECT pg_is_in_recovery()").Scan(&standby); err != nil || !standby {
			b.Fatalf("router read went to the primary (standby=%v, err=%v)", standby, err)
		}
		var bal int
		b.ResetTimer()
		for i := 0; b.Loop(); i++ {
			if err := r.QueryRow(ctx, benchSQL, 1+rand.IntN(100000)).Scan(&bal); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("pgxpool", func(b *testing.B) {
		p, err := pgxpool.New(ctx, replica)
		if err != nil {
			b.Fatal(err)
		}
		defer p.Close()
		var bal int
		b.ResetTimer()
		for i := 0; b.Loop(); i++ {
			if err := p.QueryRow(ctx, benchSQL, 1+rand.IntN(100000)).Scan(&bal); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// settle lets the write burst of pgbench -i finish before measuring, so
// the first sub-benchmark does not pay for it: the replica replays all of
// it, the table is vacuumed and analyzed, and its pages are read once.
func settle(b *testing.B, primary, replica string) {
	b.Helper()
	exec1(b, primary, "VACUUM ANALYZE pgbench_accounts")
	exec1(b, primary, "CHECKPOINT")
	ctx := context.Background()
	p, err := pgxpool.New(ctx, primary)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	var want int64
	if err := p.QueryRow(ctx, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::int8").Scan(&want); err != nil {
		b.Fatal(err)
	}
	rp, err := pgxpool.New(ctx, replica)
	if err != nil {
		b.Fatal(err)
	}
	defer rp.Close()
	for deadline := time.Now().Add(30 * time.Second); ; {
		var got int64
		if err := rp.QueryRow(ctx, "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::int8").Scan(&got); err == nil && got >= want {
			break
		}
		if time.Now().After(deadline) {
			b.Fatal("replica did not replay pgbench -i")
		}
		time.Sleep(50 * time.Millisecond)
	}
	var n int64
	if err := rp.QueryRow(ctx, "SELECT sum(abalance) FROM pgbench_accounts").Scan(&n); err != nil {
		b.Fatal(err)
	}
}
