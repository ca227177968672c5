package awsasg

import (
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/opskit-dev/opskit/scaling"
)

// lifecycle maps an Auto Scaling lifecycle state to the engine's instance
// state; ok is false for instances outside the group's capacity
// (standby, detached, warm pool, terminated).
func lifecycle(s types.LifecycleState) (st scaling.InstanceState, ok bool) {
	switch s {
	case types.LifecycleStatePending, types.LifecycleStatePendingWait, types.LifecycleStatePendingProceed:
		return scaling.Pending, true
	case types.LifecycleStateInService, types.LifecycleStateReplacingRootVolume,
		types.LifecycleStateReplacingRootVolumeWait, types.LifecycleStateReplacingRootVolumeProceed,
		types.LifecycleStateRootVolumeReplaced:
		return scaling.InService, true
	case types.LifecycleStateTerminating, types.LifecycleStateTerminatingWait,
		types.LifecycleStateTerminatingProceed, types.LifecycleStateTerminatingRetained,
		types.LifecycleStateDetaching, types.LifecycleStateQuarantined:
		return scaling.Terminating, true
	}
	return 0, false
}

// warmups remembers when each instance was first seen in service, since
// DescribeAutoScalingGroups says nothing of launch times. Instances
// already in service at the first read count as warmed up.
type warmups struct {
	mu    sync.Mutex
	read  bool
	since map[string]time.Time
}

// state converts a described group; warm is the warm-up to apply when
// positive, else the group's DefaultInstanceWarmup.
func (w *warmups) state(g types.AutoScalingGroup, now time.Time, warm time.Duration) scaling.GroupState {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.since == nil {
		w.since = map[string]time.Time{}
	}
	if warm <= 0 && g.DefaultInstanceWarmup != nil {
		warm = time.Duration(*g.DefaultInstanceWarmup) * time.Second
	}
	st := scaling.GroupState{
		Min:     int(aws.ToInt32(g.MinSize)),
		Max:     int(aws.ToInt32(g.MaxSize)),
		Desired: int(aws.ToInt32(g.DesiredCapacity)),
	}
	present := map[string]bool{}
	for _, in := range g.Instances {
		id := aws.ToString(in.InstanceId)
		s, ok := lifecycle(in.LifecycleState)
		if !ok || id == "" {
			continue
		}
		present[id] = true
		var since time.Time
		if s == scaling.InService {
			t, seen := w.since[id]
			if !seen {
				t = now
				if !w.read {
					t = time.Time{} // in service before we looked
				}
				w.since[id] = t
			}
			since = t
			if warm > 0 && !t.IsZero() && now.Sub(t) < warm {
				s = scaling.WarmingUp
			}
		}
		st.Instances = append(st.Instances, scaling.Instance{
			ID: id, State: s, Protected: aws.ToBool(in.ProtectedFromScaleIn), Since: since,
		})
	}
	for id := range w.since {
		if !present[id] {
			delete(w.since, id)
		}
	}
	w.read = true
	sort.Slice(st.Instances, func(i, j int) bool { return st.Instances[i].ID < st.Instances[j].ID })
	return st
}
