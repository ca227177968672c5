package awsasg

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/opskit-dev/opskit/scaling"
)

// GetMetricDataAPI reads CloudWatch metrics, up to 500 queries a call.
type GetMetricDataAPI = cloudwatch.GetMetricDataAPIClient

var _ GetMetricDataAPI = (*cloudwatch.Client)(nil)

// MaxQueries is how many metrics one GetMetricData call takes.
const MaxQueries = 500

// MetricsOptions configure Metrics. The zero value works.
type MetricsOptions struct {
	// Clock is the time; nil is the wall clock.
	Clock scaling.Clock
	// Period is the datapoints' period; zero means 60 s (detailed
	// monitoring).
	Period time.Duration
	// Window is how far back the latest datapoint is looked for; zero
	// means five Periods.
	Window time.Duration
	// MaxAge is how long one batched read serves every metric; zero
	// means 5 s (below the Controller's Interval).
	MaxAge time.Duration
}

// Metrics reads groups' CloudWatch metrics for the engine, batched: every
// metric handed out is read in one GetMetricData call (500 to a call),
// at most once per MaxAge, and each MetricFunc returns its latest
// datapoint. A metric with no datapoint in the window is an error, which
// the engine treats as missing data (never a scale-in).
type Metrics struct {
	api  GetMetricDataAPI
	opts MetricsOptions

	mu      sync.Mutex
	queries []cwtypes.MetricDataQuery
	ids     map[string]string // metric key -> query id
	values  map[string]float64
	at      time.Time
	fresh   bool
}

// NewMetrics returns a metric source over CloudWatch.
func NewMetrics(api GetMetricDataAPI, opts MetricsOptions) (*Metrics, error) {
	if api == nil {
		return nil, invalid("metrics", "api", "nil")
	}
	if opts.Period < 0 || opts.Window < 0 || opts.MaxAge < 0 || opts.Period%time.Second != 0 {
		return nil, invalid("MetricsOptions", "Period", "negative or not whole seconds")
	}
	if opts.Clock == nil {
		opts.Clock = scaling.SystemClock{}
	}
	if opts.Period == 0 {
		opts.Period = time.Minute
	}
	if opts.Window == 0 {
		opts.Window = 5 * opts.Period
	}
	if opts.MaxAge == 0 {
		opts.MaxAge = 5 * time.Second
	}
	return &Metrics{api: api, opts: opts, ids: map[string]string{}}, nil
}

// CPU is the group's average CPU utilization, percent.
func (m *Metrics) CPU(group string) scaling.MetricFunc {
	return m.Metric("AWS/EC2", "CPUUtilization", "Average", map[string]string{"AutoScalingGroupName": group}, 1)
}

// NetworkIn is the group's average network input per instance, bytes a
// second.
func (m *Metrics) NetworkIn(group string) scaling.MetricFunc {
	return m.Metric("AWS/EC2", "NetworkIn", "Average", map[string]string{"AutoScalingGroupName": group}, 1/m.opts.Period.Seconds())
}

// NetworkOut is the group's average network output per instance, bytes a
// second.
func (m *Metrics) NetworkOut(group string) scaling.MetricFunc {
	return m.Metric("AWS/EC2", "NetworkOut", "Average", map[string]string{"AutoScalingGroupName": group}, 1/m.opts.Period.Seconds())
}

// Metric is any CloudWatch metric, its latest datapoint times scale.
func (m *Metrics) Metric(namespace, name, stat string, dims map[string]string, scale float64) scaling.MetricFunc {
	keys := make([]string, 0, len(dims))
	for k := range dims {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var cwd []cwtypes.Dimension
	key := namespace + "/" + name + "/" + stat
	for _, k := range keys {
		cwd = append(cwd, cwtypes.Dimension{Name: aws.String(k), Value: aws.String(dims[k])})
		key += "/" + k + "=" + dims[k]
	}
	m.mu.Lock()
	id, ok := m.ids[key]
	if !ok {
		id = fmt.Sprintf("m%d", len(m.ids))
		m.ids[key] = id
		m.queries = append(m.queries, cwtypes.MetricDataQuery{Id: aws.String(id), ReturnData: aws.Bool(true),
			MetricStat: &cwtypes.MetricStat{Metric: &cwtypes.Metric{Namespace: aws.String(namespace), MetricName: aws.String(name), Dimensions: cwd},
				Period: aws.Int32(int32(m.opts.Period.Seconds())), Stat: aws.String(stat)}})
		m.fresh = false
	}
	m.mu.Unlock()
	return func(ctx context.Context, _ scaling.GroupState) (float64, error) {
		v, err := m.value(ctx, id)
		if err != nil {
			return 0, fmt.Errorf("scaling/awsasg: metric %s: %w", key, err)
		}
		return v * scale, nil
	}
}

func (m *Metrics) value(ctx context.Context, id string) (float64, error) {
	m.mu.Lock()
	ok := m.fresh && m.opts.Clock.Now().Sub(m.at) < m.opts.MaxAge
	m.mu.Unlock()
	if !ok {
		if err := m.Refresh(ctx); err != nil {
			return 0, err
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	v, found := m.values[id]
	if !found {
		return 0, fmt.Errorf("no datapoint in the last %v", m.opts.Window)
	}
	return v, nil
}

// Refresh reads every metric now, MaxQueries to a call, pages followed.
func (m *Metrics) Refresh(ctx context.Context) error {
	m.mu.Lock()
	queries := append([]cwtypes.MetricDataQuery(nil), m.queries...)
	m.mu.Unlock()
	now := m.opts.Clock.Now()
	values := map[string]float64{}
	latest := map[string]time.Time{}
	for start := 0; start < len(queries); start += MaxQueries {
		p := cloudwatch.NewGetMetricDataPaginator(m.api, &cloudwatch.GetMetricDataInput{
			MetricDataQueries: queries[start:min(start+MaxQueries, len(queries))],
			StartTime:         aws.Time(now.Add(-m.opts.Window)), EndTime: aws.Time(now),
			ScanBy: cwtypes.ScanByTimestampDescending,
		})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("scaling/awsasg: GetMetricData (%d queries): %w", len(queries), err)
			}
			for _, r := range page.MetricDataResults {
				id := aws.ToString(r.Id)
				for i, ts := range r.Timestamps {
					if i < len(r.Values) && ts.After(latest[id]) {
						latest[id], values[id] = ts, r.Values[i]
					}
				}
			}
		}
	}
	m.mu.Lock()
	m.values, m.at, m.fresh = values, m.opts.Clock.Now(), len(queries) == len(m.queries)
	m.mu.Unlock()
	return nil
}

// String lists the metrics read, for logs.
func (m *Metrics) String() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	keys := make([]string, 0, len(m.ids))
	for k := range m.ids {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}
