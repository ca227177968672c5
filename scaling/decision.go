package scaling

import "time"

// Direction is which way a decision moves capacity.
type Direction int

// Directions.
const (
	Hold Direction = iota
	Out
	In
)

// String returns "hold", "out" or "in".
func (d Direction) String() string {
	switch d {
	case Out:
		return "out"
	case In:
		return "in"
	}
	return "hold"
}

// Decision is the engine's answer for one group at one time, with the
// inputs it used and a reason a person can read, the way
// `kubectl describe hpa` explains itself.
type Decision struct {
	// Group names the group (set by the Controller).
	Group string
	// At is the decision's time.
	At time.Time
	// Current is the desired capacity before the decision.
	Current int
	// Desired is the capacity decided.
	Desired int
	// Recommended is the policies' combined recommendation, clamped, before
	// stabilization and rate limits: what the windows remember.
	Recommended int
	// Min and Max are the bounds in force (after scheduled actions).
	Min, Max int
	// Ready, Starting and Terminating count the instances seen.
	Ready, Starting, Terminating int
	// Direction is Out, In or Hold.
	Direction Direction
	// Reason explains the decision in one line.
	Reason string
	// Policies are each policy's recommendation.
	Policies []PolicyResult
	// Schedule names the scheduled action in force, if any.
	Schedule string
	// DryRun is true when the decision is not to be applied.
	DryRun bool
	// Applied is true when the Controller set the capacity on the backend.
	Applied bool
	// Err is the backend error, if reading or acting failed (Controller).
	Err error
}
