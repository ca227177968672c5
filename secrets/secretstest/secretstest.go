// Package secretstest is the conformance suite for secret-store backends:
// the same cases run against the in-memory secrets/secretsfake and the real
// backends (Secrets Manager and SSM Parameter Store on moto), which is what
// proves the fake faithful. Run it from a test with your own Harness:
//
//	func TestConformance(t *testing.T) {
//		secretstest.Run(t, func(t *testing.T) secretstest.Harness { return myHarness{} })
//	}
//
// Every case goes through the public secrets API, names its secrets with a
// random prefix and deletes them afterwards.
package secretstest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/secrets"
)

// Harness gives the suite access to the backend under test.
type Harness interface {
	// Store returns a store over the backend; the suite closes it.
	Store(t *testing.T) *secrets.Store
	// Prefix is prepended to every secret name (for example "/" on SSM
	// Parameter Store, whose hierarchies start with a slash).
	Prefix() string
}

// Recovering is an optional Harness upgrade: backends with a recovery
// window run the delete-and-restore case with this window.
type Recovering interface {
	RecoveryWindow() time.Duration
}

// WriteOnly is an optional Harness upgrade for backends whose values
// cannot be read back (Docker swarm): Get must return ErrUnsupported, and
// the cases check stages through Versions instead.
type WriteOnly interface {
	WriteOnly() bool
}

// HarnessMaker returns a harness for one test case.
type HarnessMaker func(t *testing.T) Harness

type env struct {
	t   *testing.T
	h   Harness
	s   *secrets.Store
	ctx context.Context
	pfx string
}

// Run runs every case as a subtest of t.
func Run(t *testing.T, newHarness HarnessMaker) {
	for _, tc := range cases() {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			t.Cleanup(cancel)
			var b [4]byte
			_, _ = rand.Read(b[:])
			e := &env{t: t, h: h, s: h.Store(t), ctx: ctx, pfx: h.Prefix() + "conf-" + hex.EncodeToString(b[:]) + "-"}
			t.Cleanup(func() { _ = e.s.Close() })
			tc.fn(e)
		})
	}
}

// name returns a fresh secret name that is deleted when the case ends.
func (e *env) name(suffix string) string {
	n := e.pfx + suffix
	e.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = e.s.Delete(ctx, n, secrets.DeleteOptions{})
	})
	return n
}

func (e *env) put(name, value string, stages ...secrets.Stage) secrets.Version {
	e.t.Helper()
	v, err := e.s.Put(e.ctx, name, secrets.NewValue([]byte(value)), secrets.PutOptions{Stages: stages})
	if err != nil {
		e.t.Fatalf("Put(%s, %v) = %v", name, stages, err)
	}
	return v
}

// want checks that stage selects the version id with value (the expected
// value is a test constant, never a real secret).
func (e *env) want(name string, stage secrets.Stage, id, value string) {
	e.t.Helper()
	if e.writeOnly() {
		got, err := e.stageVersion(name, stage)
		if err != nil || got != id {
			e.t.Fatalf("stage %s of %s is on version %q (%v); want %s", stage, name, got, err, id)
		}
		if _, err := e.s.GetStage(e.ctx, name, stage); !errors.Is(err, secrets.ErrUnsupported) {
			e.t.Fatalf("GetStage on a write-only backend = %v; want ErrUnsupported", err)
		}
		return
	}
	got, err := e.s.GetStage(e.ctx, name, stage)
	if err != nil {
		e.t.Fatalf("GetStage(%s, %s) = %v; want version %s", name, stage, err, id)
	}
	if got.Version.ID != id || got.Value.Reveal() != value {
		e.t.Fatalf("GetStage(%s, %s) = version %s (value matches: %v); want version %s", name, stage, got.Version.ID, got.Value.Reveal() == value, id)
	}
	if !got.Version.Has(stage) {
		e.t.Fatalf("GetStage(%s, %s): version %s has stages %v", name, stage, id, got.Version.Stages)
	}
}

func (e *env) writeOnly() bool {
	w, ok := e.h.(WriteOnly)
	return ok && w.WriteOnly()
}

// stageVersion returns the ID of the version carrying stage, or an error
// matching ErrNotFound, through Get or (write-only) Versions.
func (e *env) stageVersion(name string, stage secrets.Stage) (string, error) {
	if !e.writeOnly() {
		s, err := e.s.GetStage(e.ctx, name, stage)
		return s.Version.ID, err
	}
	vs, err := e.s.Versions(e.ctx, name)
	if err != nil {
		return "", err
	}
	for _, v := range vs {
		if v.Has(stage) {
			return v.ID, nil
		}
	}
	return "", secrets.ErrNotFound
}

// stages returns the stages of every listed version, by ID.
func (e *env) stages(name string) map[string][]secrets.Stage {
	e.t.Helper()
	vs, err := e.s.Versions(e.ctx, name)
	if err != nil {
		e.t.Fatalf("Versions(%s) = %v", name, err)
	}
	out := map[string][]secrets.Stage{}
	for _, v := range vs {
		out[v.ID] = v.Stages
	}
	return out
}
