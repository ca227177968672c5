package elb

// Load balancer types.
const (
	// Application is an ALB: layer 7, routes HTTP requests on path, host,
	// header and method.
	Application = "application"
	// Network is an NLB: layer 4, forwards TCP, UDP and TLS connections.
	Network = "network"
)

// LoadBalancerSpec is a load balancer as code: its target groups and
// listeners with their rules.
type LoadBalancerSpec struct {
	// Name is the load balancer's name (at most 32 characters).
	Name string
	// Type is Application (default) or Network.
	Type string
	// Internal makes it internal; the default is internet-facing.
	Internal bool
	// Subnets are one per availability zone, at least two for an ALB.
	Subnets []string
	// SecurityGroups are the ALB's security groups.
	SecurityGroups []string
	// TargetGroups are the target groups its listeners forward to.
	TargetGroups []TargetGroupSpec
	// Listeners are its listeners.
	Listeners []ListenerSpec
	// WebACL, on an ALB, names a regional WAF web ACL to put in front of
	// it: created if missing with AWS's managed SQL-injection and common
	// rule sets (SQLiRuleSet, CommonRuleSet), and associated.
	WebACL string
}

// TargetGroupSpec is a target group of instances.
type TargetGroupSpec struct {
	// Name is the target group's name (at most 32 characters).
	Name string
	// Protocol is HTTP or HTTPS behind an ALB; TCP, UDP, TLS or TCP_UDP
	// behind an NLB.
	Protocol string
	// Port is the instances' port.
	Port int
	// VPC is the VPC of the instances.
	VPC string
	// HealthCheckPath is the HTTP health check path; default "/".
	HealthCheckPath string
}

// ListenerSpec is a listener and its rules.
type ListenerSpec struct {
	// Protocol is HTTP or HTTPS on an ALB; TCP, UDP, TLS or TCP_UDP on an NLB.
	Protocol string
	// Port is the listening port.
	Port int
	// Certificate is the certificate ARN of an HTTPS or TLS listener.
	Certificate string
	// Default is the action when no rule matches.
	Default Action
	// Rules are evaluated by priority; ALB only.
	Rules []RuleSpec
}

// RuleSpec is one listener rule: conditions (all must match; values
// within one condition are alternatives) and one action.
type RuleSpec struct {
	// Priority is the rule's priority (1-50,000, lowest first). Zero lets
	// the Provisioner assign one: a rule already on the listener keeps its
	// priority, and a new rule takes a free one between its neighbours in
	// spec order, so adding a rule renumbers no other.
	Priority int
	// Paths are path patterns (case-sensitive, * and ?, at most 128
	// characters; the query string is not matched).
	Paths []string
	// Hosts are host-header patterns.
	Hosts []string
	// Headers are HTTP header conditions.
	Headers []HeaderCondition
	// Methods are HTTP request methods (GET, POST, ...).
	Methods []string
	// Action is what a matching request gets.
	Action Action
}

// HeaderCondition matches an HTTP header against patterns.
type HeaderCondition struct {
	// Name is the header's name.
	Name string
	// Values are the patterns.
	Values []string
}

// Action is exactly one of Forward, Redirect and Fixed.
type Action struct {
	// Forward names a target group of the spec.
	Forward string
	// Redirect redirects the request.
	Redirect *Redirect
	// Fixed answers with a fixed response.
	Fixed *FixedResponse
}

// Redirect is a redirect action; empty fields keep the request's value.
type Redirect struct {
	Protocol, Port, Host, Path, Query string
	// Permanent sends 301 rather than 302.
	Permanent bool
}

// FixedResponse is a fixed-response action.
type FixedResponse struct {
	// StatusCode is 2XX, 4XX or 5XX.
	StatusCode int
	// ContentType is e.g. text/plain.
	ContentType string
	// Body is at most 1024 characters.
	Body string
}
