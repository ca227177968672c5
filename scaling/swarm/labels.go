package swarm

import (
	"fmt"
	"strconv"

	"github.com/opskit-dev/opskit/scaling"
)

// Label keys SpecFromLabels reads.
const (
	// LabelCPUTarget is the average CPU percent (of each task's CPU limit)
	// to hold; it adds a TargetTracking policy on metric "cpu".
	LabelCPUTarget = "opskit.scaling.cpu-target"
	// LabelDryRun set to "true" marks decisions as not to be applied.
	LabelDryRun = "opskit.scaling.dry-run"
)

// SpecFromLabels builds a scaling.Spec from a service's labels, so Swarm
// users opt a service in with `docker service update --label-add
// opskit.scaling.cpu-target=50`. It returns ok false when the service has
// no policy label.
func SpecFromLabels(service string, labels map[string]string) (spec scaling.Spec, ok bool, err error) {
	in := fmt.Sprintf("service %q", service)
	if v, has := labels[LabelCPUTarget]; has {
		t, err := strconv.ParseFloat(v, 64)
		if err != nil || !(t > 0) || t > 100 {
			return scaling.Spec{}, false, &scaling.InvalidError{Input: in, Field: LabelCPUTarget, Reason: fmt.Sprintf("%q is not a percentage in (0, 100]", v)}
		}
		spec.Policies = append(spec.Policies, &scaling.TargetTracking{Metric: "cpu", Target: t})
	}
	if v, has := labels[LabelDryRun]; has {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return scaling.Spec{}, false, &scaling.InvalidError{Input: in, Field: LabelDryRun, Reason: fmt.Sprintf("%q is not true or false", v)}
		}
		spec.DryRun = b
	}
	return spec, len(spec.Policies) > 0, nil
}
