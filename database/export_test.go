package database

import (
	"context"
	"testing"

	"github.com/opskit-dev/opskit/internal/testenv"
)

// NewScratch is scratchDB for the external test package.
func NewScratch(t testing.TB, pg testenv.Postgres) string {
	dsn, _, _ := scratchDB(t, pg)
	return dsn
}

// NewScratchPair is scratchDB with both DSNs, for the external test
// package.
func NewScratchPair(t testing.TB, pg testenv.Postgres) (primaryDSN, replicaDSN string) {
	p, r, _ := scratchDB(t, pg)
	return p, r
}

// DialNodes makes the Nodes DialRouter would, for the conformance suite.
func DialNodes(ctx context.Context, primaryDSN, replicaDSN string) ([]Node, error) {
	p, err := dialNode(ctx, primaryDSN, true, netResolver{}, nil, nil)
	if err != nil {
		return nil, err
	}
	r, err := dialNode(ctx, replicaDSN, false, netResolver{}, nil, nil)
	if err != nil {
		_ = p.Close()
		return nil, err
	}
	return []Node{p, r}, nil
}
