// Package rabbitmq reads RabbitMQ's own logs into a logging pipeline: the
// broker log exchange amq.rabbitmq.log (enable it with log.exchange = true
// in rabbitmq.conf; routing key = severity) and the event exchange
// amq.rabbitmq.event (rabbitmq_event_exchange plugin: connection.*,
// channel.*, queue.*, user.*, alarm.*, ...). Each message becomes an event
// whose message is a JSON object of the routing key, the headers (where the
// event exchange puts its data) and the body.
//
// Hold a *Source from NewSource(Options) and run it with a
// logging.Pipeline.
package rabbitmq
