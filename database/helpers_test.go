package database

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/opskit-dev/opskit/internal/testenv"
)

const pgBin = "/usr/lib/postgresql/15/bin"

// scratchDB creates a uniquely named database on the primary, waits until
// the replica has it, and returns DSNs for both. It is dropped in Cleanup.
func scratchDB(t testing.TB, pg testenv.Postgres) (primaryDSN, replicaDSN, name string) {
	t.Helper()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name = "opskit_db_" + hex.EncodeToString(b)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, pg.PrimaryDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		ensurePrimaryUp(t)
		c, err := pgx.Connect(ctx, pg.PrimaryDSN)
		if err != nil {
			t.Logf("drop %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Logf("drop %s: %v", name, err)
		}
	})
	primaryDSN, replicaDSN = withDB(t, pg.PrimaryDSN, name), withDB(t, pg.ReplicaDSN, name)
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := pgx.Connect(ctx, replicaDSN)
		if err == nil {
			c.Close(ctx)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica never saw database %s: %v", name, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return primaryDSN, replicaDSN, name
}

func withDB(t testing.TB, dsn, db string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + db
	return u.String()
}

func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func pgReady(port string) bool {
	return exec.Command("runuser", "-u", "postgres", "--", pgBin+"/pg_isready", "-q", "-h", "127.0.0.1", "-p", port).Run() == nil
}

// ensureReplicaUp starts the standby when it is not running.
func ensureReplicaUp(t testing.TB) {
	t.Helper()
	if pgReady("5433") {
		return
	}
	dir := testenv.PostgresEnv().ReplicaDataDir
	out, err := exec.Command("runuser", "-u", "postgres", "--", pgBin+"/pg_ctl", "-D", dir, "-l", dir+"/startup.log", "-w", "-t", "60", "start").CombinedOutput()
	if err != nil {
		t.Errorf("restart replica: %v\n%s", err, out)
	}
}

// ensurePrimaryUp starts the primary when it is not running.
func ensurePrimaryUp(t testing.TB) {
	t.Helper()
	if pgReady("5432") {
		return
	}
	if out, err := exec.Command("pg_ctlcluster", "15", "main", "start").CombinedOutput(); err != nil {
		t.Errorf("start primary: %v\n%s", err, out)
	}
}

func exec1(t testing.TB, dsn, sql string, args ...any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}
