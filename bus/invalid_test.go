package bus_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/opskit-dev/opskit/bus"
	"github.com/opskit-dev/opskit/bus/busfake"
)

// TestInvalidHeaderNamed checks that a message header AMQP cannot carry is
// reported as Headers[name], not Args[name] (issue 20, item 16).
func TestInvalidHeaderNamed(t *testing.T) {
	ctx := context.Background()
	c, err := bus.Dial(ctx, bus.Options{URLs: []string{"amqp://node1:5672/"}, Dialer: busfake.NewBroker().Dialer()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	p, err := c.NewPublisher(ctx, bus.PublisherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(ctx)
	_, err = p.Publish(ctx, bus.Message{RoutingKey: "q", Headers: bus.Table{"bad": struct{}{}, "good": "x"}})
	var ie *bus.InvalidError
	if !errors.As(err, &ie) || ie.Field != "Headers[bad]" || ie.Input != "message" {
		t.Fatalf("Publish(bad header) = %v; want *InvalidError on message Headers[bad]", err)
	}
	if !strings.Contains(err.Error(), "Headers[bad]") || strings.Contains(err.Error(), "Args") {
		t.Errorf("error text %q; want it to name Headers[bad]", err)
	}
}

// TestTopologyReportsAllProblems checks that a topology with several
// problems reports every one, in declaration order, as InvalidErrors that
// match ErrInvalid (issue 20, item 16), and that nothing is declared.
func TestTopologyReportsAllProblems(t *testing.T) {
	ctx := context.Background()
	b := busfake.NewBroker()
	c, err := bus.Dial(ctx, bus.Options{URLs: []string{"amqp://node1:5672/"}, Dialer: b.Dialer()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	topo := bus.Topology{
		Exchanges: []bus.Exchange{{Name: "x", Kind: "bogus"}, {Name: "ok", Kind: bus.Direct}},
		Queues: []bus.Queue{
			{Name: "q", MaxLength: -1, Overflow: "explode"},
			{Name: "fine"},
		},
		Bindings: []bus.Binding{{Source: "", Destination: "q", Args: bus.Table{"f": func() {}}}},
	}
	want := []string{
		`exchange "x" Kind`,
		`queue "q" MaxLength`,
		`queue "q" Overflow`,
		`binding "" -> "q" (key "") Source`,
		`binding "" -> "q" (key "") Args[f]`,
	}
	for _, apply := range []func() error{topo.Validate, func() error { return c.Apply(ctx, topo) }} {
		err := apply()
		var es bus.InvalidErrors
		if !errors.As(err, &es) || !errors.Is(err, bus.ErrInvalid) {
			t.Fatalf("got %v; want InvalidErrors matching ErrInvalid", err)
		}
		var got []string
		for _, e := range es {
			got = append(got, e.Input+" "+e.Field)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		var first *bus.InvalidError
		if !errors.As(err, &first) || first.Field != "Kind" {
			t.Errorf("errors.As(*InvalidError) = %v; want the first problem", first)
		}
		if lines := strings.Count(err.Error(), "\n") + 1; lines != len(want) || !strings.HasPrefix(err.Error(), "bus: ") {
			t.Errorf("error text has %d lines; want %d starting with bus: :\n%v", lines, len(want), err)
		}
	}
	if _, err := c.InspectQueue(ctx, "fine"); !errors.Is(err, bus.ErrNotFound) {
		t.Errorf("a valid queue of the rejected topology was declared (err %v)", err)
	}
}
