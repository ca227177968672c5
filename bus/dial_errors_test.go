package bus_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/bus"
	"github.com/opskit-dev/opskit/internal/testenv"
)

// TestDialAccessRefused: a refused login used to come back from Dial as
// amqp091's text only, so errors.Is(err, ErrAccessRefused) was false and
// a caller could not tell bad credentials from a dead node.
func TestDialAccessRefused(t *testing.T) {
	cl := testenv.RabbitMQ(t)
	u, err := url.Parse(cl.Nodes[0].AMQPURL)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword("guest", "not-the-password")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := bus.Dial(ctx, bus.Options{URLs: []string{u.String()}, Name: "dial-refused"})
	if err == nil {
		c.Close()
		t.Fatal("Dial with a wrong password succeeded")
	}
	if !errors.Is(err, bus.ErrAccessRefused) {
		t.Errorf("Dial = %v; want ErrAccessRefused", err)
	}
	var be *bus.BrokerError
	if !errors.As(err, &be) || be.Code != 403 {
		t.Errorf("Dial = %v; want a *BrokerError with code 403", err)
	}
	if strings.Contains(err.Error(), "not-the-password") || strings.Count(err.Error(), "bus: ") != 1 {
		t.Errorf("Dial = %q; want one bus: prefix and no password", err)
	}
}
