package docker

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/swarm"
	"go.yaml.in/yaml/v3"

	"github.com/opskit-dev/opskit/logging"
)

// The awslogs driver's option keys (moby daemon/logger/awslogs).
const (
	OptRegion              = "awslogs-region"
	OptEndpoint            = "awslogs-endpoint"
	OptGroup               = "awslogs-group"
	OptStream              = "awslogs-stream"
	OptCreateGroup         = "awslogs-create-group"
	OptCreateStream        = "awslogs-create-stream"
	OptDatetimeFormat      = "awslogs-datetime-format"
	OptMultilinePattern    = "awslogs-multiline-pattern"
	OptCredentialsEndpoint = "awslogs-credentials-endpoint"
	OptForceFlushInterval  = "awslogs-force-flush-interval-seconds"
	OptMaxBufferedEvents   = "awslogs-max-buffered-events"
	OptFormat              = "awslogs-format"
	OptTag                 = "tag"
	OptMode                = "mode"
	OptMaxBufferSize       = "max-buffer-size"
)

var knownOpts = map[string]bool{OptRegion: true, OptEndpoint: true, OptGroup: true, OptStream: true, OptCreateGroup: true,
	OptCreateStream: true, OptDatetimeFormat: true, OptMultilinePattern: true, OptCredentialsEndpoint: true,
	OptForceFlushInterval: true, OptMaxBufferedEvents: true, OptFormat: true, OptTag: true, OptMode: true, OptMaxBufferSize: true}

// AWSLogs describes the awslogs logging driver settings of a container,
// compose service or swarm service. Build the driver options with
// Options, DockerRunArgs, ComposeYAML, LogConfig or SwarmDriver; each
// validates first, so a mistake is caught before a container starts.
type AWSLogs struct {
	// Region is required unless the daemon has AWS_REGION or runs on EC2;
	// set it always, since an endpoint does not imply a region.
	Region string
	// Endpoint overrides the CloudWatch Logs endpoint (an http(s) URL).
	Endpoint string
	// Group is the log group (required).
	Group string
	// Stream is the log stream (default: the container ID).
	Stream string
	// CreateGroup creates the group if missing (needs logs:CreateLogGroup).
	CreateGroup bool
	// NoCreateStream disables creating the stream.
	NoCreateStream bool
	// DatetimeFormat (strftime) or MultilinePattern (regexp) marks the
	// first line of a multiline message; at most one of them.
	DatetimeFormat, MultilinePattern string
	// CredentialsEndpoint is a path on 169.254.170.2 (ECS-style).
	CredentialsEndpoint string
	// ForceFlushInterval is the flush interval (whole seconds, default 5 s).
	ForceFlushInterval time.Duration
	// MaxBufferedEvents bounds the driver's buffer (default 4096).
	MaxBufferedEvents int
	// EMF sets awslogs-format=json/emf (embedded metric format).
	EMF bool
	// Tag is the docker log tag template.
	Tag string
	// NonBlocking sets mode=non-blocking with MaxBufferSize (such as
	// "25m"; AWS recommends 25 MB, Docker's 1 MB default loses lines under
	// load). In this mode the driver drops the newest lines when full.
	NonBlocking   bool
	MaxBufferSize string
}

// Options returns the --log-opt map after validating it.
func (a AWSLogs) Options() (map[string]string, error) {
	m := map[string]string{}
	set := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	set(OptRegion, a.Region)
	set(OptEndpoint, a.Endpoint)
	set(OptGroup, a.Group)
	set(OptStream, a.Stream)
	if a.CreateGroup {
		m[OptCreateGroup] = "true"
	}
	if a.NoCreateStream {
		m[OptCreateStream] = "false"
	}
	set(OptDatetimeFormat, a.DatetimeFormat)
	set(OptMultilinePattern, a.MultilinePattern)
	set(OptCredentialsEndpoint, a.CredentialsEndpoint)
	if a.ForceFlushInterval != 0 {
		m[OptForceFlushInterval] = strconv.FormatInt(int64(a.ForceFlushInterval/time.Second), 10)
		if a.ForceFlushInterval%time.Second != 0 || a.ForceFlushInterval < time.Second {
			m[OptForceFlushInterval] = a.ForceFlushInterval.String() // invalid on purpose: reported below
		}
	}
	if a.MaxBufferedEvents != 0 {
		m[OptMaxBufferedEvents] = strconv.Itoa(a.MaxBufferedEvents)
	}
	if a.EMF {
		m[OptFormat] = "json/emf"
	}
	set(OptTag, a.Tag)
	if a.NonBlocking {
		m[OptMode] = "non-blocking"
	}
	set(OptMaxBufferSize, a.MaxBufferSize)
	if err := ValidateOptions(m); err != nil {
		return nil, err
	}
	return m, nil
}

var (
	groupRe  = regexp.MustCompile(`^[\.\-_/#A-Za-z0-9]{1,512}$`)
	sizeRe   = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?\s*([kKmMgG][iI]?[bB]?|[bB])?$`)
	regionRe = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
)

// ValidateOptions checks an awslogs --log-opt map as the daemon would
// (and a little stricter), reporting every problem: unknown keys (typos),
// a missing group or region, both multiline options, bad booleans,
// numbers, URLs, regular expressions, names and buffer sizes.
func ValidateOptions(opts map[string]string) error {
	var probs logging.InvalidErrors
	bad := func(k, reason string) {
		if v, ok := opts[k]; ok && k != OptEndpoint { // an endpoint URL may carry credentials
			reason = fmt.Sprintf("%q: %s", v, reason)
		}
		probs = append(probs, &logging.InvalidError{Input: "awslogs options", Field: k, Reason: reason})
	}
	keys := make([]string, 0, len(opts))
	for k := range opts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !knownOpts[k] {
			hint := ""
			for known := range knownOpts {
				if strings.EqualFold(strings.ReplaceAll(known, "_", "-"), strings.ReplaceAll(k, "_", "-")) || strings.TrimPrefix(known, "awslogs-") == k {
					hint = "; did you mean " + known + "?"
				}
			}
			bad(k, "unknown option for the awslogs driver"+hint)
		}
	}
	if g, ok := opts[OptGroup]; !ok || g == "" {
		bad(OptGroup, "required")
	} else if !groupRe.MatchString(g) {
		bad(OptGroup, "log group names are 1-512 characters of a-z A-Z 0-9 _ - / . #")
	}
	if r, ok := opts[OptRegion]; !ok || r == "" {
		bad(OptRegion, "required (an endpoint does not imply a region; the daemon's AWS_REGION is easy to miss)")
	} else if !regionRe.MatchString(r) {
		bad(OptRegion, "not a region name like us-east-1")
	}
	if s, ok := opts[OptStream]; ok && (s == "" || len(s) > 512 || strings.ContainsAny(s, ":*")) {
		bad(OptStream, "log stream names are 1-512 characters without ':' or '*'")
	}
	for _, k := range []string{OptCreateGroup, OptCreateStream} {
		if v, ok := opts[k]; ok {
			if _, err := strconv.ParseBool(v); err != nil {
				bad(k, "not a boolean")
			}
		}
	}
	if v, ok := opts[OptEndpoint]; ok {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad(OptEndpoint, "must be an http:// or https:// URL")
		}
	}
	if v, ok := opts[OptCredentialsEndpoint]; ok && !strings.HasPrefix(v, "/") {
		bad(OptCredentialsEndpoint, "must be a path such as /v2/credentials/ID (it is relative to 169.254.170.2)")
	}
	_, hasDT := opts[OptDatetimeFormat]
	_, hasML := opts[OptMultilinePattern]
	if hasDT && hasML {
		bad(OptMultilinePattern, "conflicts with "+OptDatetimeFormat+": set one")
	}
	if hasML {
		if _, err := regexp.Compile(opts[OptMultilinePattern]); err != nil {
			bad(OptMultilinePattern, "bad regular expression: "+err.Error())
		}
	}
	if hasDT && !strings.Contains(opts[OptDatetimeFormat], "%") {
		bad(OptDatetimeFormat, "a strftime format such as %Y-%m-%d %H:%M:%S is expected")
	}
	for _, k := range []string{OptForceFlushInterval, OptMaxBufferedEvents} {
		if v, ok := opts[k]; ok {
			if n, err := strconv.Atoi(v); err != nil || n <= 0 {
				bad(k, "must be a positive integer")
			}
		}
	}
	if v, ok := opts[OptFormat]; ok {
		if v != "json/emf" {
			bad(OptFormat, "the only format is json/emf")
		} else if hasDT || hasML {
			bad(OptFormat, "json/emf cannot be combined with multiline options")
		}
	}
	if v, ok := opts[OptMode]; ok && v != "blocking" && v != "non-blocking" {
		bad(OptMode, "must be blocking or non-blocking")
	}
	if v, ok := opts[OptMaxBufferSize]; ok {
		if !sizeRe.MatchString(v) {
			bad(OptMaxBufferSize, "not a size such as 25m")
		} else if opts[OptMode] != "non-blocking" {
			bad(OptMaxBufferSize, "only used with mode=non-blocking")
		}
	}
	if len(probs) > 0 {
		return probs
	}
	return nil
}

// DockerRunArgs returns the docker run/create flags.
func (a AWSLogs) DockerRunArgs() ([]string, error) {
	m, err := a.Options()
	if err != nil {
		return nil, err
	}
	args := []string{"--log-driver=awslogs"}
	for _, k := range sortedKeys(m) {
		args = append(args, "--log-opt", k+"="+m[k])
	}
	return args, nil
}

// ComposeYAML returns the service-level "logging:" block of a compose
// file (docker compose and docker stack deploy).
func (a AWSLogs) ComposeYAML() (string, error) {
	m, err := a.Options()
	if err != nil {
		return "", err
	}
	doc := map[string]any{"logging": map[string]any{"driver": "awslogs", "options": m}}
	out, err := yaml.Marshal(doc)
	return string(out), err
}

// LogConfig returns the HostConfig.LogConfig for the Docker API.
func (a AWSLogs) LogConfig() (container.LogConfig, error) {
	m, err := a.Options()
	if err != nil {
		return container.LogConfig{}, err
	}
	return container.LogConfig{Type: "awslogs", Config: m}, nil
}

// SwarmDriver returns the TaskTemplate.LogDriver of a swarm service.
func (a AWSLogs) SwarmDriver() (*swarm.Driver, error) {
	m, err := a.Options()
	if err != nil {
		return nil, err
	}
	return &swarm.Driver{Name: "awslogs", Options: m}, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
