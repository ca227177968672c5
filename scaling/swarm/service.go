package swarm

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/opskit-dev/opskit/scaling"
)

// Label keys read when ServiceOptions.Labels is set.
const (
	LabelMin = "opskit.scaling.min"
	LabelMax = "opskit.scaling.max"
)

// ServiceOptions configure a Service.
type ServiceOptions struct {
	// Min and Max bound the replicas. Ignored when Labels is set.
	Min, Max int
	// Labels reads Min and Max from the service's labels LabelMin and
	// LabelMax at every State, so operators change them with
	// `docker service update --label-add`.
	Labels bool
	// WarmUp is how long a running task counts as warming up.
	WarmUp time.Duration
	// Retries bounds the attempts of a write that meets version
	// conflicts; zero means 5.
	Retries int
}

// Service is one replicated Swarm service as a scaling.Group.
type Service struct {
	api  API
	id   string
	opts ServiceOptions
}

var _ scaling.Group = (*Service)(nil)

// NewService returns the service with ID or name id.
func NewService(api API, id string, opts ServiceOptions) (*Service, error) {
	in := fmt.Sprintf("service %q", id)
	if id == "" {
		return nil, &scaling.InvalidError{Input: "service", Field: "id", Reason: "empty"}
	}
	if !opts.Labels && (opts.Min < 0 || opts.Max < opts.Min) {
		return nil, &scaling.InvalidError{Input: in, Field: "Min", Reason: fmt.Sprintf("want 0 <= Min (%d) <= Max (%d)", opts.Min, opts.Max)}
	}
	if opts.WarmUp < 0 || opts.Retries < 0 {
		return nil, &scaling.InvalidError{Input: in, Field: "WarmUp", Reason: "negative"}
	}
	if opts.Retries == 0 {
		opts.Retries = 5
	}
	return &Service{api: api, id: id, opts: opts}, nil
}

// ID returns the service's ID or name as given.
func (s *Service) ID() string { return s.id }

func (s *Service) inspect(ctx context.Context) (swarm.Service, error) {
	res, err := s.api.ServiceInspect(ctx, s.id, client.ServiceInspectOptions{})
	if err != nil {
		return swarm.Service{}, fmt.Errorf("swarm: service %q: inspect: %w", s.id, err)
	}
	if res.Service.Spec.Mode.Replicated == nil {
		return swarm.Service{}, &scaling.InvalidError{Input: fmt.Sprintf("service %q", s.id), Field: "Mode", Reason: "not a replicated service"}
	}
	return res.Service, nil
}

func (s *Service) bounds(svc swarm.Service) (lo, hi int, err error) {
	if !s.opts.Labels {
		return s.opts.Min, s.opts.Max, nil
	}
	in := fmt.Sprintf("service %q", s.id)
	get := func(key string) (int, error) {
		v, ok := svc.Spec.Labels[key]
		if !ok {
			return 0, &scaling.InvalidError{Input: in, Field: key, Reason: "label missing"}
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 0 {
			return 0, &scaling.InvalidError{Input: in, Field: key, Reason: fmt.Sprintf("%q is not a count", v)}
		}
		return n, nil
	}
	if lo, err = get(LabelMin); err != nil {
		return 0, 0, err
	}
	if hi, err = get(LabelMax); err != nil {
		return 0, 0, err
	}
	if hi < lo {
		return 0, 0, &scaling.InvalidError{Input: in, Field: LabelMax, Reason: fmt.Sprintf("%d below %s %d", hi, LabelMin, lo)}
	}
	return lo, hi, nil
}

func replicas(svc swarm.Service) int {
	if r := svc.Spec.Mode.Replicated.Replicas; r != nil {
		return int(*r)
	}
	return 1
}

// State implements scaling.Group.
func (s *Service) State(ctx context.Context) (scaling.GroupState, error) {
	svc, err := s.inspect(ctx)
	if err != nil {
		return scaling.GroupState{}, err
	}
	lo, hi, err := s.bounds(svc)
	if err != nil {
		return scaling.GroupState{}, err
	}
	tasks, err := s.tasks(ctx, svc.ID)
	if err != nil {
		return scaling.GroupState{}, err
	}
	st := scaling.GroupState{Min: lo, Max: hi, Desired: replicas(svc)}
	now := time.Now()
	for _, t := range tasks {
		if is, ok := instanceState(t, now, s.opts.WarmUp); ok {
			st.Instances = append(st.Instances, scaling.Instance{ID: t.ID, State: is, Since: t.Status.Timestamp})
		}
	}
	return st, nil
}

func (s *Service) tasks(ctx context.Context, serviceID string) ([]swarm.Task, error) {
	res, err := s.api.TaskList(ctx, client.TaskListOptions{Filters: make(client.Filters).Add("service", serviceID)})
	if err != nil {
		return nil, fmt.Errorf("swarm: service %q: list tasks: %w", s.id, err)
	}
	out := res.Items[:0]
	for _, t := range res.Items {
		if t.ServiceID == serviceID {
			out = append(out, t)
		}
	}
	return out, nil
}

// instanceState maps a task to an instance state; ok is false for tasks
// that are gone (finished, failed, rejected, or never to run).
func instanceState(t swarm.Task, now time.Time, warmUp time.Duration) (scaling.InstanceState, bool) {
	running := t.DesiredState == swarm.TaskStateRunning || t.DesiredState == swarm.TaskStateReady
	switch t.Status.State {
	case swarm.TaskStateNew, swarm.TaskStateAllocated, swarm.TaskStatePending, swarm.TaskStateAssigned,
		swarm.TaskStateAccepted, swarm.TaskStatePreparing, swarm.TaskStateReady:
		if !running {
			return 0, false
		}
		return scaling.Pending, true
	case swarm.TaskStateStarting:
		if !running {
			return scaling.Terminating, true
		}
		return scaling.WarmingUp, true
	case swarm.TaskStateRunning:
		if !running {
			return scaling.Terminating, true
		}
		if warmUp > 0 && now.Sub(t.Status.Timestamp) < warmUp {
			return scaling.WarmingUp, true
		}
		return scaling.InService, true
	}
	return 0, false
}

// SetDesired implements scaling.Group: it writes the replica count with
// the version just read, and on a version conflict reads again and
// retries, so only the replica count ever changes.
func (s *Service) SetDesired(ctx context.Context, desired int) error {
	var last error
	for try := 0; try < s.opts.Retries; try++ {
		svc, err := s.inspect(ctx)
		if err != nil {
			return err
		}
		lo, hi, err := s.bounds(svc)
		if err != nil {
			return err
		}
		if desired < lo || desired > hi {
			return &scaling.InvalidError{Input: fmt.Sprintf("service %q", s.id), Field: "desired",
				Reason: fmt.Sprintf("%d outside [%d, %d]", desired, lo, hi)}
		}
		if replicas(svc) == desired {
			return nil
		}
		spec := svc.Spec
		n := uint64(desired)
		spec.Mode.Replicated = &swarm.ReplicatedService{Replicas: &n}
		_, err = s.api.ServiceUpdate(ctx, svc.ID, client.ServiceUpdateOptions{Version: svc.Version, Spec: spec})
		if err == nil {
			return nil
		}
		if !isOutOfSequence(err) {
			return fmt.Errorf("swarm: service %q: update: %w", s.id, err)
		}
		last = err
	}
	return fmt.Errorf("swarm: service %q: update: %w (%d attempts: %v)", s.id, scaling.ErrConflict, s.opts.Retries, last)
}

// isOutOfSequence reports a write with a stale service version.
func isOutOfSequence(err error) bool {
	return err != nil && strings.Contains(err.Error(), "update out of sequence")
}
