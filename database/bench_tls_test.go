package database

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/opskit-dev/opskit/internal/testenv"
)

// BenchmarkConnect measures opening a connection to the primary and
// running one query: plaintext, sslmode=verify-full from the DSN, and
// ApplyTLS (verification in VerifyConnection), side by side:
//
//	OPSKIT_INTEGRATION=1 go test -run '^$' -bench Connect -benchtime=100x ./database/
func BenchmarkConnect(b *testing.B) {
	pg := testenv.PostgreSQL(b)
	files := testenv.TLS(b)
	applied, err := pgx.ParseConfig(pg.PrimaryDSN)
	if err != nil {
		b.Fatal(err)
	}
	if err := ApplyTLS(&applied.Config, &TLSConfig{CAFile: files.CAFile}); err != nil {
		b.Fatal(err)
	}
	dsnCfg, err := pgx.ParseConfig(verifyFull(b, pg.PrimaryDSN, files.CAFile))
	if err != nil {
		b.Fatal(err)
	}
	plain, err := pgx.ParseConfig(pg.PrimaryDSN)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		cfg  *pgx.ConnConfig
	}{{"plain", plain}, {"verify-full", dsnCfg}, {"applytls", applied}} {
		b.Run(bc.name, func(b *testing.B) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			for b.Loop() {
				c, err := pgx.ConnectConfig(ctx, bc.cfg)
				if err != nil {
					b.Fatal(err)
				}
				var one int
				if err := c.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
					b.Fatal(err)
				}
				c.Close(ctx)
			}
		})
	}
}
