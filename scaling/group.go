package scaling

import (
	"context"
	"time"
)

// Group is the small interface a backend implements so that the Controller
// can scale it: an EC2 Auto Scaling group, a Swarm service, or the in-memory
// group in scaling/scalingfake.
//
// Rules every backend follows, checked by scaling/scalingtest:
//   - State reports Min <= Desired <= Max and every instance once, with a
//     unique ID and one of the InstanceState values.
//   - SetDesired with a value inside [Min, Max] is reflected by the next
//     State; the group then converges to that many instances that are not
//     terminating. New instances go through Pending and WarmingUp before
//     InService.
//   - SetDesired outside [Min, Max] returns an error matching ErrInvalid and
//     changes nothing.
//   - A write made on stale state never reverts a change someone else made
//     in between: the backend either merges (only the capacity changes) or
//     returns an error matching ErrConflict.
//   - Scale-in never terminates an instance protected from scale-in (see
//     Protector); terminating instances are reported as Terminating until
//     they are gone.
//
// Optional upgrades: Protector (instance protection) and Leaser (a lease
// for running several controllers).
type Group interface {
	// State reads the group's capacity bounds, desired capacity and instances.
	State(ctx context.Context) (GroupState, error)
	// SetDesired sets the desired capacity.
	SetDesired(ctx context.Context, desired int) error
}

// Protector is an optional Group upgrade: backends that can protect
// instances from scale-in (EC2 Auto Scaling) implement it. Swarm cannot.
type Protector interface {
	// SetProtection protects (true) or unprotects (false) the instances.
	SetProtection(ctx context.Context, ids []string, protected bool) error
}

// GroupState is a group as read from its backend.
type GroupState struct {
	// Min and Max bound Desired.
	Min, Max int
	// Desired is the capacity asked for.
	Desired int
	// Instances are the group's instances in every state.
	Instances []Instance
}

// Instance is one member of a group: a server or a task.
type Instance struct {
	// ID is unique within the group.
	ID string
	// State is where the instance is in its life.
	State InstanceState
	// Protected is true when the instance is protected from scale-in.
	Protected bool
	// Since is when the instance entered State, if the backend knows.
	Since time.Time
}

// InstanceState is an instance's place in its life cycle.
type InstanceState int

// Instance states. Warming-up instances are excluded from the metric and
// from capacity when scaling out; terminating ones are on their way out.
const (
	Pending InstanceState = iota
	WarmingUp
	InService
	Terminating
)

// String returns the state's name.
func (s InstanceState) String() string {
	switch s {
	case Pending:
		return "pending"
	case WarmingUp:
		return "warming-up"
	case InService:
		return "in-service"
	case Terminating:
		return "terminating"
	}
	return "unknown"
}

// Counts returns how many instances are in service, starting (pending or
// warming up), terminating, and protected while not terminating.
func (g GroupState) Counts() (ready, starting, terminating, protected int) {
	for _, in := range g.Instances {
		switch in.State {
		case InService:
			ready++
		case Pending, WarmingUp:
			starting++
		case Terminating:
			terminating++
		}
		if in.Protected && in.State != Terminating {
			protected++
		}
	}
	return
}
