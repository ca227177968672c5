package accessfake_test

import (
	"context"
	"errors"
	"testing"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/access/accessfake"
)

// The fake runs the access suite once, in access/conformance_test.go.

func TestUnreachable(t *testing.T) {
	h := accessfake.New("down", accessfake.Options{})
	h.SetUnreachable(true)
	if _, err := h.Snapshot(context.Background(), access.SnapshotOptions{}); !errors.Is(err, access.ErrHost) {
		t.Fatalf("Snapshot on an unreachable host: %v", err)
	}
	h.SetUnreachable(false)
	if _, err := h.Snapshot(context.Background(), access.SnapshotOptions{}); err != nil {
		t.Fatal(err)
	}
}
