package rabbitmq_test

import (
	"context"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/loggingfake"
	"github.com/opskit-dev/opskit/logging/rabbitmq"
)

// Ship the broker's events (connections, queues, users, alarms) from any
// node of the cluster.
func ExampleNewSource() {
	src, err := rabbitmq.NewSource(rabbitmq.Options{
		URLs: []string{"amqp://guest:guest@127.0.0.1:5672/", "amqp://guest:guest@127.0.0.1:5673/"},
		Keys: []string{"connection.#", "user.#", "alarm.#"},
	})
	if err != nil {
		panic(err)
	}
	p, _ := logging.NewPipeline(logging.Options{}, loggingfake.NewSink(loggingfake.Options{}))
	ctx := context.Background()
	_ = p.Run(ctx, src)
	_ = p.Close(ctx)
}
