// Package elb puts Elastic Load Balancers in front of scaled groups as
// code: ALBs and NLBs, their target groups, listeners and listener rules
// (path, host, header and method conditions; forward, redirect and
// fixed-response actions), planned, diffed and applied by a Provisioner.
//
// LoadBalancerSpec.Validate checks every ELBv2 rule and quota before any
// call, with an error that names the rule: priorities unique and within
// 1-50,000, at most 3 values per condition and 5 per rule, at most 5
// wildcards per rule, path patterns of at most 128 characters, at most
// 100 rules per ALB, exactly one action per rule, and no listener rules
// on an NLB (layer 4: it never sees the HTTP request). A rule is known by
// its conditions: a rule already on the listener keeps its priority and
// a new one takes a free priority between its neighbours (PriorityStep
// apart when created), so adding a rule renumbers no other; a changed
// action is one ModifyRule. Plan.TargetGroupARNs gives the ARNs that
// scaling/awsasg.GroupSpec attaches to a group. LoadBalancerSpec.WebACL
// puts a regional WAF web ACL in front of an ALB, with AWS's managed
// SQL-injection and common rule sets, created if missing and associated
// (moto stores and returns the web ACL and its association but does not
// evaluate requests against it).
//
// It talks to ELBv2 through narrow per-operation interfaces (API), which
// *elasticloadbalancingv2.Client satisfies; it is tested on moto.
package elb
