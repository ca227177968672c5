// Package bus will own RabbitMQ across many nodes: connections spread over a
// cluster with recovery, balanced publishers and consumers, topology as code
// with exchange-to-exchange bindings, at-least-once publishing with confirms,
// consumer worker pools, and worker queues spread over the cluster.
package bus
