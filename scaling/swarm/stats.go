package swarm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/opskit-dev/opskit/scaling"
)

// Metrics reads CPU and network IO of a service's running tasks from the
// engine's container statistics.
type Metrics struct {
	api   StatsReader
	svc   *Service
	mu    sync.Mutex
	lastN map[string]netSample
}

type netSample struct {
	at    int64 // unix nanoseconds
	bytes uint64
}

// NewMetrics returns the metric sources of svc.
func NewMetrics(api StatsReader, svc *Service) *Metrics {
	return &Metrics{api: api, svc: svc, lastN: map[string]netSample{}}
}

// running returns the container IDs of the service's in-service tasks and
// the service's CPU limit in CPUs (0 when unlimited).
func (m *Metrics) running(ctx context.Context, st scaling.GroupState) ([]string, float64, error) {
	svc, err := m.svc.inspect(ctx)
	if err != nil {
		return nil, 0, err
	}
	limit := 0.0
	if r := svc.Spec.TaskTemplate.Resources; r != nil && r.Limits != nil && r.Limits.NanoCPUs > 0 {
		limit = float64(r.Limits.NanoCPUs) / 1e9
	}
	inService := map[string]bool{}
	for _, in := range st.Instances {
		if in.State == scaling.InService {
			inService[in.ID] = true
		}
	}
	tasks, err := m.svc.tasks(ctx, svc.ID)
	if err != nil {
		return nil, 0, err
	}
	var ids []string
	for _, t := range tasks {
		if inService[t.ID] && t.Status.State == swarm.TaskStateRunning && t.Status.ContainerStatus != nil && t.Status.ContainerStatus.ContainerID != "" {
			ids = append(ids, t.Status.ContainerStatus.ContainerID)
		}
	}
	return ids, limit, nil
}

// errNoTasks is reported when no task is in service: missing data.
var errNoTasks = errors.New("no task in service")

func (m *Metrics) stats(ctx context.Context, ids []string, previous bool) ([]container.StatsResponse, error) {
	out := make([]container.StatsResponse, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := m.api.ContainerStats(ctx, id, client.ContainerStatsOptions{IncludePreviousSample: previous})
			if err != nil {
				errs[i] = err
				return
			}
			defer res.Body.Close()
			errs[i] = json.NewDecoder(res.Body).Decode(&out[i])
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("swarm: service %q: stats: %w", m.svc.id, err)
	}
	return out, nil
}

// CPU returns the average CPU use of the running tasks in percent of each
// task's CPU limit (of one CPU when the service has none), over the
// second before the read.
func (m *Metrics) CPU() scaling.MetricFunc {
	return func(ctx context.Context, st scaling.GroupState) (float64, error) {
		ids, limit, err := m.running(ctx, st)
		if err != nil {
			return 0, err
		}
		if len(ids) == 0 {
			return 0, fmt.Errorf("swarm: service %q: cpu: %w", m.svc.id, errNoTasks)
		}
		all, err := m.stats(ctx, ids, true)
		if err != nil {
			return 0, err
		}
		if limit == 0 {
			limit = 1
		}
		var sum float64
		for _, s := range all {
			cpu := float64(s.CPUStats.CPUUsage.TotalUsage) - float64(s.PreCPUStats.CPUUsage.TotalUsage)
			sys := float64(s.CPUStats.SystemUsage) - float64(s.PreCPUStats.SystemUsage)
			if sys > 0 && cpu > 0 {
				cpus := float64(s.CPUStats.OnlineCPUs)
				if cpus == 0 {
					cpus = 1
				}
				sum += cpu / sys * cpus / limit * 100
			}
		}
		return sum / float64(len(all)), nil
	}
}

// NetworkIO returns the average bytes per second received and sent by
// each running task since the previous read; tasks seen for the first
// time are left out, and the first read of all is missing data.
func (m *Metrics) NetworkIO() scaling.MetricFunc {
	return func(ctx context.Context, st scaling.GroupState) (float64, error) {
		ids, _, err := m.running(ctx, st)
		if err != nil {
			return 0, err
		}
		all, err := m.stats(ctx, ids, false)
		if err != nil {
			return 0, err
		}
		m.mu.Lock()
		defer m.mu.Unlock()
		seen := map[string]netSample{}
		var sum float64
		n := 0
		for i, s := range all {
			var b uint64
			for _, nw := range s.Networks {
				b += nw.RxBytes + nw.TxBytes
			}
			cur := netSample{s.Read.UnixNano(), b}
			seen[ids[i]] = cur
			if prev, ok := m.lastN[ids[i]]; ok && cur.at > prev.at && cur.bytes >= prev.bytes {
				sum += float64(cur.bytes-prev.bytes) / (float64(cur.at-prev.at) / 1e9)
				n++
			}
		}
		m.lastN = seen
		if n == 0 {
			return 0, fmt.Errorf("swarm: service %q: network: %w", m.svc.id, errNoTasks)
		}
		return sum / float64(n), nil
	}
}
