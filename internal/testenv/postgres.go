package testenv

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Postgres describes the PostgreSQL primary and its streaming replica.
type Postgres struct {
	// PrimaryDSN connects to the primary as a superuser.
	PrimaryDSN string
	// ReplicaDSN connects to the hot standby as the same user.
	ReplicaDSN string
	// DataDir is the primary's data directory; ConfigDir holds its
	// postgresql.conf and pg_hba.conf (Debian keeps them apart).
	DataDir, ConfigDir string
	// ReplicaDataDir is the standby's data directory, which also holds its
	// configuration files.
	ReplicaDataDir string
	// Version is the major version, for pg_ctlcluster.
	Version string
}

// PostgresEnv returns the PostgreSQL endpoints without checking them.
// OPSKIT_PG_PRIMARY and OPSKIT_PG_REPLICA override the DSNs.
func PostgresEnv() Postgres {
	return Postgres{
		PrimaryDSN:     getenv("OPSKIT_PG_PRIMARY", "postgres://opskit:opskit@127.0.0.1:5432/postgres?sslmode=disable"),
		ReplicaDSN:     getenv("OPSKIT_PG_REPLICA", "postgres://opskit:opskit@127.0.0.1:5433/postgres?sslmode=disable"),
		DataDir:        "/var/lib/postgresql/15/main",
		ConfigDir:      "/etc/postgresql/15/main",
		ReplicaDataDir: "/var/lib/postgresql/15/opskit-replica",
		Version:        "15",
	}
}

// PostgreSQL returns the primary and replica after checking that both answer
// and that the replica is in recovery; otherwise it skips or fails t.
func PostgreSQL(t testing.TB) Postgres {
	t.Helper()
	pg := PostgresEnv()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := pingPostgres(ctx, pg.PrimaryDSN, false); err != nil {
		Unavailable(t, "PostgreSQL primary (127.0.0.1:5432)", err)
	}
	if err := pingPostgres(ctx, pg.ReplicaDSN, true); err != nil {
		Unavailable(t, "PostgreSQL replica (127.0.0.1:5433)", err)
	}
	return pg
}

// pingPostgres connects and checks pg_is_in_recovery() against wantRecovery.
func pingPostgres(ctx context.Context, dsn string, wantRecovery bool) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var inRecovery bool
	if err := conn.QueryRow(ctx, "SELECT pg_is_in_recovery()").Scan(&inRecovery); err != nil {
		return err
	}
	if inRecovery != wantRecovery {
		return fmt.Errorf("pg_is_in_recovery() = %v, want %v", inRecovery, wantRecovery)
	}
	return nil
}
