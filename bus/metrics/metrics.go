// Package metrics holds the queue metrics type package bus produces, kept
// free of any dependency so autoscalers can consume it without importing bus.
package metrics

// Queue is a point-in-time view of one queue's load.
type Queue struct {
	// Name is the queue's name.
	Name string
	// Ready is the number of messages waiting to be delivered.
	Ready int
	// Unacked is the number delivered but not yet acknowledged.
	Unacked int
	// Consumers is the number of consumers attached.
	Consumers int
	// PublishRate and DeliverRate are messages per second, averaged by the
	// management API over its sampling window; zero when unknown.
	PublishRate float64
	DeliverRate float64
	// AckRate is acknowledgements per second; zero when unknown.
	AckRate float64
	// Source says where the figures came from: "management" or
	// "passive-declare" (then Unacked and the rates are unknown, reported as zero).
	Source string
}

// Backlog is the number of messages not yet processed: ready plus unacknowledged.
func (q Queue) Backlog() int { return q.Ready + q.Unacked }

// BacklogPerConsumer is Backlog divided by the consumer count; with no
// consumers it is the whole backlog.
func (q Queue) BacklogPerConsumer() float64 {
	if q.Consumers == 0 {
		return float64(q.Backlog())
	}
	return float64(q.Backlog()) / float64(q.Consumers)
}
