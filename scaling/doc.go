// Package scaling runs as many servers as the load needs, inside a minimum
// and a maximum: one decision engine for EC2 Auto Scaling groups and
// Docker Swarm services, scaling on CPU, network and queue backlog.
//
// # The engine
//
// Engine.Decide is pure and deterministic: from a group's state (desired
// capacity, bounds, instances pending, warming up, in service,
// terminating, protected) and metric readings it returns a Decision with
// a reason a person can read. Policies: TargetTracking
// (ceil(in-service × metric / target) outside a per-direction dead band,
// warming instances excluded), StepScaling with AWS's semantics
// (validated steps, ChangeInCapacity, ExactCapacity,
// PercentChangeInCapacity with AWS's rounding and MinAdjustmentMagnitude)
// and Backlog (ready plus unacknowledged messages against acceptable
// latency / processing time, to and from zero with an activation
// threshold). Several policies combine as AWS combines them: out if any
// asks, in only if all agree, the largest wins. Rules give each direction
// a stabilization window and rate limits (HPA's behaviour model);
// Schedules move the bounds on cron expressions in a time zone; missing
// data never scales in, and Spec.Fallback is asked for while a metric is
// down without overriding a higher recommendation; DryRun, per-direction
// pauses, and Min and Max always clamp.
//
// What it does that the others do not: AWS has no rate limits, no
// tunable alarm timing (3 minutes out, 15 in) and no per-policy dead band;
// HPA has no step scaling, no schedules and no scale-in protection; KEDA's
// RabbitMQ scaler counts only ready messages over AMQP and so stops
// workers in the middle of a job, and its fallback can lower a capacity
// other metrics hold up; the Swarm tools add or remove one replica at a
// fixed CPU threshold with no bounds, window or warm-up. Here one engine
// does all of it, scale-out may leave Headroom below the target, and a
// restarted controller never scales in before it has seen a whole
// scale-in window.
//
// # The controller
//
// A Controller loops over any number of groups on an injected Clock: it
// reads state and metrics (MetricFunc), decides, acts through the Group,
// keeps each group's History, logs every decision (slog, and
// ControllerOptions.OnDecision), backs off after backend errors and may
// be stopped at any moment. Several controllers may run for one group,
// as HPA runs with leader election: with ControllerOptions.Holder set,
// only the holder of the lease kept on the group itself (Leaser: a
// service label, a group tag, written with the backend's version check)
// acts, and a standby takes over when the lease lapses.
//
// # Backends, the fake and the suite
//
// Groups implement the small Group interface, and Protector and Leaser
// where the backend can; their docs list the rules. Package scaling/swarm
// scales Docker Swarm services over the Engine API (versioned writes that
// never revert a concurrent change, bounds and policy from labels, CPU
// and network IO from the engine's statistics). Package
// scaling/scalingfake has an in-memory group on a fake clock (warm-up,
// lingering terminations, protection, bounds, leases) and fake metric
// sources; package scaling/scalingtest is the public conformance suite,
// run here as TestConformance/fake and TestConformance/swarm. Package
// scaling/awsasg scales EC2 Auto Scaling groups (TestConformance/asg
// there) and keeps groups and native policies as code, scaling/elb keeps
// ALBs and NLBs with their listener rules as code, and scaling/awsaudit
// audits both.
package scaling
