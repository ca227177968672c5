package cwagent

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"

	"github.com/opskit-dev/opskit/logging"
)

// Facts of the agent's JSON schema (amazon-cloudwatch-agent,
// translator/config/schema.json) for the logs section, in the schema's
// words: the keys each object allows (additionalProperties is false for
// these), the required ones, and the bounds of each value.
var (
	logsKeys = []string{"logs_collected", "metrics_collected", "log_stream_name", "force_flush_interval",
		"credentials", "endpoint_override", "service.name", "deployment.environment", "concurrency"}
	filesKeys   = []string{"collect_list"}
	collectKeys = []string{"file_path", "log_group_name", "log_stream_name", "log_group_class", "multi_line_start_pattern",
		"timestamp_format", "timezone", "trim_timestamp", "encoding", "auto_removal", "backpressure_mode", "blacklist",
		"publish_multi_logs", "retention_in_days", "filters", "service.name", "deployment.environment"}
	retentionDays = []float64{-1, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192,
		2557, 2922, 3288, 3653}
	timezones = []string{"Local", "LOCAL", "UTC"}
)

// stringRule is a string property's bounds: minimum and maximum length.
type stringRule struct{ min, max int }

var collectStrings = map[string]stringRule{
	"file_path": {0, 4096}, "log_group_name": {1, 512}, "log_stream_name": {1, 512}, "log_group_class": {1, 512},
	"multi_line_start_pattern": {1, 4096}, "timestamp_format": {1, 4096}, "encoding": {1, 4096}, "blacklist": {1, 4096},
	"service.name": {1, 255}, "deployment.environment": {1, 259},
}

var collectBools = []string{"trim_timestamp", "auto_removal", "publish_multi_logs"}

// Validate checks an agent configuration's logs section against the
// agent's schema, and that what the agent compiles (timestamp_format
// directives, multi_line_start_pattern) compiles. It returns
// logging.InvalidErrors with every problem, each naming its JSON path.
func Validate(doc []byte) error {
	var root any
	if err := json.Unmarshal(doc, &root); err != nil {
		return &logging.InvalidError{Input: "cwagent config", Reason: "not JSON: " + err.Error()}
	}
	v := &validator{}
	top, ok := v.object("", root)
	if !ok {
		return v.errs
	}
	logs, ok := top["logs"]
	if !ok {
		v.add("/logs", "missing: the configuration ships no logs")
		return v.errs
	}
	v.logs(logs)
	if len(v.errs) > 0 {
		return v.errs
	}
	return nil
}

type validator struct{ errs logging.InvalidErrors }

func (v *validator) add(path, format string, args ...any) {
	v.errs = append(v.errs, &logging.InvalidError{Input: "cwagent config", Field: path, Reason: fmt.Sprintf(format, args...)})
}

func (v *validator) object(path string, x any) (map[string]any, bool) {
	m, ok := x.(map[string]any)
	if !ok {
		v.add(path, "is %s; want an object", kind(x))
	}
	return m, ok
}

// only reports keys of m not in allowed (additionalProperties: false).
func (v *validator) only(path string, m map[string]any, allowed []string) {
	for _, k := range sortedKeys(m) {
		if !slices.Contains(allowed, k) {
			v.add(path+"/"+k, "is not a property the agent's schema allows here")
		}
	}
}

func (v *validator) logs(x any) {
	logs, ok := v.object("/logs", x)
	if !ok {
		return
	}
	v.only("/logs", logs, logsKeys)
	if _, ok := logs["logs_collected"]; !ok {
		if _, ok := logs["metrics_collected"]; !ok {
			v.add("/logs", "needs logs_collected or metrics_collected")
		}
	}
	if f, ok := logs["force_flush_interval"]; ok {
		v.integer("/logs/force_flush_interval", f, 1, 172800)
	}
	if s, ok := logs["log_stream_name"]; ok {
		v.str("/logs/log_stream_name", s, stringRule{1, 512})
	}
	if s, ok := logs["endpoint_override"]; ok {
		v.str("/logs/endpoint_override", s, stringRule{4, 2048})
	}
	lc, ok := logs["logs_collected"]
	if !ok {
		return
	}
	collected, ok := v.object("/logs/logs_collected", lc)
	if !ok {
		return
	}
	files, ok := collected["files"]
	if !ok {
		return
	}
	fm, ok := v.object("/logs/logs_collected/files", files)
	if !ok {
		return
	}
	v.only("/logs/logs_collected/files", fm, filesKeys)
	list, ok := fm["collect_list"].([]any)
	if !ok {
		v.add("/logs/logs_collected/files/collect_list", "is %s; want an array (required)", kind(fm["collect_list"]))
		return
	}
	if len(list) < 1 || len(list) > 16384 {
		v.add("/logs/logs_collected/files/collect_list", "has %d entries; want 1 to 16,384", len(list))
	}
	// Equal JSON values marshal alike (object keys come out sorted), so
	// one map finds every repeat in one pass.
	first := map[string][]int{}
	for i, e := range list {
		if b, err := json.Marshal(e); err == nil {
			for _, j := range first[string(b)] {
				v.add(fmt.Sprintf("/logs/logs_collected/files/collect_list/%d", i), "repeats entry %d (uniqueItems)", j)
			}
			first[string(b)] = append(first[string(b)], i)
		}
		v.entry(fmt.Sprintf("/logs/logs_collected/files/collect_list/%d", i), e)
	}
}

func (v *validator) entry(path string, x any) {
	e, ok := v.object(path, x)
	if !ok {
		return
	}
	v.only(path, e, collectKeys)
	if _, ok := e["file_path"]; !ok {
		v.add(path+"/file_path", "missing (required)")
	}
	for _, k := range sortedKeys(e) {
		val := e[k]
		switch {
		case collectStrings[k] != (stringRule{}):
			v.str(path+"/"+k, val, collectStrings[k])
		case slices.Contains(collectBools, k):
			if _, ok := val.(bool); !ok {
				v.add(path+"/"+k, "is %s; want a boolean", kind(val))
			}
		}
	}
	if tz, ok := e["timezone"]; ok {
		if s, _ := tz.(string); !slices.Contains(timezones, s) {
			v.add(path+"/timezone", "is %v; want one of %v", tz, timezones)
		}
	}
	if r, ok := e["retention_in_days"]; ok {
		if n, _ := r.(float64); !slices.Contains(retentionDays, n) {
			v.add(path+"/retention_in_days", "is %v; want one of -1, 1, 3, 5, 7, 14, 30, 60, 90, ... 3653", r)
		}
	}
	if b, ok := e["backpressure_mode"]; ok && b != "fd_release" {
		v.add(path+"/backpressure_mode", "is %v; want fd_release", b)
	}
	if f, ok := e["timestamp_format"].(string); ok {
		if _, err := GoLayout(f); err != nil {
			v.add(path+"/timestamp_format", "%v", err)
		}
	}
	if p, ok := e["multi_line_start_pattern"].(string); ok && p != "{timestamp_regex}" {
		if _, err := regexp.Compile(p); err != nil {
			v.add(path+"/multi_line_start_pattern", "does not compile: %v", err)
		}
	}
}

func (v *validator) str(path string, x any, r stringRule) {
	s, ok := x.(string)
	if !ok {
		v.add(path, "is %s; want a string", kind(x))
		return
	}
	if n := len([]rune(s)); n < r.min || (r.max > 0 && n > r.max) {
		v.add(path, "has %d characters; want %d to %d", n, r.min, r.max)
	}
}

func (v *validator) integer(path string, x any, lo, hi float64) {
	n, ok := x.(float64)
	if !ok || n != float64(int64(n)) {
		v.add(path, "is %v; want an integer", x)
		return
	}
	if n < lo || n > hi {
		v.add(path, "is %v; want %v to %v", n, lo, hi)
	}
}

func kind(x any) string {
	switch x.(type) {
	case nil:
		return "missing or null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	}
	return fmt.Sprintf("%T", x)
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
