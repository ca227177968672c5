package fakehost_test

import (
	"context"
	"errors"
	"testing"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/access/accesstest"
	"github.com/opskit-dev/opskit/access/fakehost"
)

func TestConformance(t *testing.T) {
	accesstest.Run(t, func(t *testing.T) access.Host { return fakehost.New("fake", fakehost.Options{}) })
}

func TestUnreachable(t *testing.T) {
	h := fakehost.New("down", fakehost.Options{})
	h.SetUnreachable(true)
	if _, err := h.Snapshot(context.Background()); !errors.Is(err, access.ErrHost) {
		t.Fatalf("Snapshot on an unreachable host: %v", err)
	}
	h.SetUnreachable(false)
	if _, err := h.Snapshot(context.Background()); err != nil {
		t.Fatal(err)
	}
}
