package secrets

import (
	"slices"
	"time"

	"github.com/opskit-dev/opskit/secrets/driver"
)

// Stage names a version's role; a version carries zero or more stages and a
// stage is on at most one version.
type Stage string

// The stages rotation uses. Backends map them onto their own labels
// (Secrets Manager: AWSCURRENT, AWSPENDING, AWSPREVIOUS).
const (
	// StageCurrent is the version applications use.
	StageCurrent Stage = driver.StageCurrent
	// StagePending is a new version being rotated in.
	StagePending Stage = driver.StagePending
	// StagePrevious is the version current left, kept for rollback; it
	// moves automatically when current moves.
	StagePrevious Stage = driver.StagePrevious
)

// Version describes one version of a secret.
type Version struct {
	// ID is the backend's identifier for the version.
	ID string
	// Stages are the stages on this version.
	Stages []Stage
	// Created is when the version was made, when the backend says.
	Created time.Time
}

// Has reports whether the version carries stage.
func (v Version) Has(stage Stage) bool { return slices.Contains(v.Stages, stage) }

// Secret is one version of a named secret with its value.
type Secret struct {
	Name    string
	Version Version
	Value   Value
}

func fromDriver(v driver.Version) Version {
	out := Version{ID: v.ID, Created: v.Created}
	for _, s := range v.Stages {
		out.Stages = append(out.Stages, Stage(s))
	}
	slices.Sort(out.Stages)
	return out
}
