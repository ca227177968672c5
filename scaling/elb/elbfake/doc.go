// Package elbfake is an in-memory Elastic Load Balancing (v2) service for the
// operations package scaling/elb uses: load balancers, target groups,
// listeners with their default rule, and listener rules with priorities.
// It answers with the SDK's own fault types (DuplicateLoadBalancerNameException,
// PriorityInUseException, ResourceInUseException, ...), so callers'
// errors.As checks work the same against the fake and the real service, and
// passes the same cases as moto in scaling/elb's TestDelete.
//
// Limits: no targets, health checks or attributes; no certificates checked;
// no web ACLs (use a nil WAF client); no quotas; ARNs are made up in one
// region and account; no pagination (every result fits one page).
package elbfake
