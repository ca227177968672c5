package database

import (
	"testing"

	"github.com/opskit-dev/opskit/internal/testenv"
)

// NewScratch is scratchDB for the external test package.
func NewScratch(t testing.TB, pg testenv.Postgres) string {
	dsn, _, _ := scratchDB(t, pg)
	return dsn
}
