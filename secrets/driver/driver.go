// Package driver defines the small interface a secret-store backend
// implements so that package secrets can run over it: versions of a named
// secret, each carrying zero or more stages. Application code uses package
// secrets; this package is for backend implementers (secrets/secretsmanager,
// secrets/ssm and the in-memory secrets/secretsfake).
//
// Stages are the canonical names "current", "pending" and "previous" (a
// backend maps them onto its own labels, such as AWSCURRENT) or any other
// label the backend accepts.
//
// Rules every backend follows, checked by secrets/secretstest:
//   - Put creates the secret when it does not exist; its first version
//     always carries "current". A stage given to Put leaves the version
//     that had it.
//   - Moving "current" to another version, by Put or MoveStage, attaches
//     "previous" to the version it left (and removes "previous" from the
//     version that had it), as Secrets Manager does.
//   - A version left with no stage is deprecated: Versions does not list it,
//     and it may disappear.
//   - Errors wrap ErrNotFound (no such secret, version or stage), ErrDeleted
//     (secret scheduled for deletion), ErrInvalid (input the backend
//     refuses) or ErrUnsupported (an operation the backend lacks), and never
//     carry a secret value.
//   - Delete with a zero recovery window deletes at once (a missing secret
//     is not an error, or ErrNotFound); Get then returns
//     ErrNotFound. With a window, Get returns ErrDeleted until Restore (on
//     backends that implement Restorer) or the window's end.
package driver

import (
	"context"
	"errors"
	"time"
)

// Canonical stage names.
const (
	StageCurrent  = "current"
	StagePending  = "pending"
	StagePrevious = "previous"
)

// Sentinels backends wrap; package secrets re-exports them.
var (
	ErrNotFound    = errors.New("secrets: not found")
	ErrDeleted     = errors.New("secrets: scheduled for deletion")
	ErrInvalid     = errors.New("secrets: invalid input")
	ErrUnsupported = errors.New("secrets: not supported by this backend")
)

// Version describes one version of a secret.
type Version struct {
	// ID is the backend's version identifier.
	ID string
	// Stages are the stages attached to the version.
	Stages []string
	// Created is when the version was made, if the backend says.
	Created time.Time
}

// Ref selects a version: by ID when VersionID is set, else by Stage.
type Ref struct {
	VersionID string
	Stage     string
}

// Store is one secret store.
type Store interface {
	// Get returns the version ref selects and its value. The caller owns
	// the returned slice.
	Get(ctx context.Context, name string, ref Ref) (Version, []byte, error)
	// Put stores value as a new version carrying stages and returns it.
	Put(ctx context.Context, name string, value []byte, stages []string) (Version, error)
	// MoveStage moves stage from version from ("" when no version has it)
	// to version to ("" to remove it).
	MoveStage(ctx context.Context, name, stage, from, to string) error
	// Versions lists the versions that carry at least one stage.
	Versions(ctx context.Context, name string) ([]Version, error)
	// Delete deletes the secret after recovery (zero: at once).
	Delete(ctx context.Context, name string, recovery time.Duration) error
	// Close releases the backend's resources.
	Close() error
}

// Restorer is an optional upgrade for backends with a recovery window.
type Restorer interface {
	// Restore cancels a scheduled deletion.
	Restore(ctx context.Context, name string) error
}
