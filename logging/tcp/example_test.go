package tcp_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"time"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/tcp"
)

// Ship JSON lines to a TCP receiver (rsyslog imtcp, Vector, Fluent Bit).
func ExampleNewSink() {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	got := make(chan string)
	go func() {
		c, _ := ln.Accept()
		line, _ := bufio.NewReader(c).ReadString('\n')
		got <- line
	}()
	sink, err := tcp.NewSink(tcp.Options{Addr: ln.Addr().String(), Framing: tcp.JSON, Host: "web-1"})
	if err != nil {
		panic(err)
	}
	at := time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC)
	_, _ = sink.Write(context.Background(), []logging.Event{{Time: at, Source: "/var/log/app.log", Message: []byte(`said "hi"`)}})
	fmt.Print(<-got)
	_ = sink.Close(context.Background())
	// Output:
	// {"timestamp":"2026-11-27T03:00:00Z","host":"web-1","file":"/var/log/app.log","message":"said \"hi\""}
}
