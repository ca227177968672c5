// Command worker is the task of the Swarm tests' services: "idle" waits
// to be stopped; "burn URL" asks URL for work, burning the CPU for the
// milliseconds each answer names, as a queue worker does; "consume
// AMQP-URL QUEUE" takes one message at a time from a RabbitMQ queue,
// works 200 ms on it and acknowledges it.
package main

import (
	"io"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	if len(os.Args) < 2 || os.Args[1] == "idle" {
		<-stop
		return
	}
	if os.Args[1] == "consume" {
		consume(os.Args[2], os.Args[3], stop)
		return
	}
	url := os.Args[2]
	c := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case <-stop:
			return
		default:
		}
		ms := fetch(c, url)
		if ms <= 0 {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		burn(time.Duration(ms) * time.Millisecond)
	}
}

func fetch(c *http.Client, url string) int {
	resp, err := c.Get(url)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 32))
	n, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return n
}

var sink uint64

// burn spends d of this thread's CPU time (not wall time, so a CPU limit
// slows the job down instead of making it cheaper).
func burn(d time.Duration) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	start := threadCPU()
	for threadCPU()-start < d {
		for i := 0; i < 10000; i++ {
			sink += uint64(i) * 7
		}
	}
}

func threadCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(1, &ru) // RUSAGE_THREAD
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func consume(url, queue string, stop chan os.Signal) {
	conn, err := amqp.Dial(url)
	if err != nil {
		os.Exit(1)
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		os.Exit(1)
	}
	_ = ch.Qos(1, 0, false)
	msgs, err := ch.Consume(queue, "", false, false, false, false, nil)
	if err != nil {
		os.Exit(1)
	}
	for {
		select {
		case <-stop:
			return
		case m, ok := <-msgs:
			if !ok {
				os.Exit(1)
			}
			time.Sleep(200 * time.Millisecond)
			_ = m.Ack(false)
		}
	}
}
