package bus

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"
)

// Difference is one way the broker differs from a Topology.
type Difference struct {
	// Kind is "exchange", "queue" or "binding".
	Kind string
	// Name names the entity (for bindings: "source -> destination (key)").
	Name string
	// Field is the differing property or argument; empty when the entity is missing.
	Field string
	// Want is the topology's value, Have the broker's ("missing" when absent).
	Want, Have string
}

// String implements fmt.Stringer.
func (d Difference) String() string {
	if d.Field == "" {
		return fmt.Sprintf("%s %s: %s", d.Kind, d.Name, d.Have)
	}
	return fmt.Sprintf("%s %s: %s is %s, want %s", d.Kind, d.Name, d.Field, d.Have, d.Want)
}

// Inspector reads a broker's entities. *Management implements it over the
// management API and *busfake.Broker over its in-memory state, so Diff works on
// both. Methods return an error matching ErrNotFound for missing entities.
type Inspector interface {
	Exchange(ctx context.Context, name string) (MgmtExchange, error)
	Queue(ctx context.Context, name string) (MgmtQueue, error)
	BindingsFrom(ctx context.Context, exchange string) ([]MgmtBinding, error)
}

var _ Inspector = (*Management)(nil)

// Diff compares t with what the broker has, through the management API, and
// returns the differences (none when the broker matches). It reads only.
func (m *Management) Diff(ctx context.Context, t Topology) ([]Difference, error) {
	return Diff(ctx, m, t)
}

// Diff compares t with what in reports and returns the differences (none
// when the broker matches). It reads only.
func Diff(ctx context.Context, m Inspector, t Topology) ([]Difference, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	var out []Difference
	for _, e := range t.Exchanges {
		have, err := m.Exchange(ctx, e.Name)
		if errors.Is(err, ErrNotFound) {
			out = append(out, Difference{Kind: "exchange", Name: e.Name, Want: "present", Have: "missing"})
			continue
		}
		if err != nil {
			return nil, err
		}
		d := e.driver()
		cmp := func(field string, want, got any) {
			if !equalJSON(want, got) {
				out = append(out, Difference{Kind: "exchange", Name: e.Name, Field: field, Want: show(want), Have: show(got)})
			}
		}
		cmp("type", d.Kind, have.Type)
		cmp("durable", d.Durable, have.Durable)
		cmp("auto_delete", d.AutoDelete, have.AutoDelete)
		cmp("internal", d.Internal, have.Internal)
		out = append(out, diffArgs("exchange", e.Name, d.Args, have.Arguments)...)
	}
	for _, q := range t.Queues {
		have, err := m.Queue(ctx, q.Name)
		if errors.Is(err, ErrNotFound) {
			out = append(out, Difference{Kind: "queue", Name: q.Name, Want: "present", Have: "missing"})
			continue
		}
		if err != nil {
			return nil, err
		}
		d := q.driver()
		cmp := func(field string, want, got any) {
			if !equalJSON(want, got) {
				out = append(out, Difference{Kind: "queue", Name: q.Name, Field: field, Want: show(want), Have: show(got)})
			}
		}
		cmp("durable", d.Durable, have.Durable)
		cmp("auto_delete", d.AutoDelete, have.AutoDelete)
		cmp("exclusive", d.Exclusive, have.Exclusive)
		wantType := string(q.Type)
		if wantType == "" {
			wantType = string(Classic)
		}
		cmp("type", wantType, have.Type)
		args := copyArgs(d.Args)
		delete(args, "x-queue-type")
		haveArgs := map[string]any{}
		for k, v := range have.Arguments {
			if k != "x-queue-type" {
				haveArgs[k] = v
			}
		}
		out = append(out, diffArgs("queue", q.Name, args, haveArgs)...)
	}
	bySource := map[string][]MgmtBinding{}
	for _, b := range t.Bindings {
		bs, ok := bySource[b.Source]
		if !ok {
			var err error
			bs, err = m.BindingsFrom(ctx, b.Source)
			if err != nil && !errors.Is(err, ErrNotFound) {
				return nil, err
			}
			bySource[b.Source] = bs
		}
		destType := "queue"
		if b.ToExchange {
			destType = "exchange"
		}
		found := false
		for _, have := range bs {
			if have.Destination == b.Destination && have.DestinationType == destType &&
				have.RoutingKey == b.Key && len(diffArgs("", "", b.Args, have.Arguments)) == 0 {
				found = true
				break
			}
		}
		if !found {
			out = append(out, Difference{Kind: "binding", Name: fmt.Sprintf("%s -> %s (%s)", b.Source, b.Destination, b.Key),
				Want: "present", Have: "missing"})
		}
	}
	return out, nil
}

func diffArgs(kind, name string, want Table, have map[string]any) []Difference {
	keys := map[string]bool{}
	for k := range want {
		keys[k] = true
	}
	for k := range have {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	var out []Difference
	for _, k := range sorted {
		w, wok := want[k]
		h, hok := have[k]
		if wok && hok && equalJSON(w, h) {
			continue
		}
		d := Difference{Kind: kind, Name: name, Field: k, Want: "absent", Have: "absent"}
		if wok {
			d.Want = show(w)
		}
		if hok {
			d.Have = show(h)
		}
		out = append(out, d)
	}
	return out
}

// equalJSON compares a Go value with one decoded from JSON (numbers as float64).
func equalJSON(want, got any) bool {
	switch w := want.(type) {
	case int:
		return equalJSON(float64(w), got)
	case int8, int16, int32, int64, uint8, uint16, uint32:
		return equalJSON(toFloat(w), got)
	case float32:
		return equalJSON(float64(w), got)
	case time.Duration:
		return equalJSON(float64(w.Milliseconds()), got)
	}
	return fmt.Sprint(want) == fmt.Sprint(got)
}

func toFloat(v any) float64 {
	switch n := v.(type) {
	case int8:
		return float64(n)
	case int16:
		return float64(n)
	case int32:
		return float64(n)
	case int64:
		return float64(n)
	case uint8:
		return float64(n)
	case uint16:
		return float64(n)
	case uint32:
		return float64(n)
	}
	return 0
}

func show(v any) string { return fmt.Sprint(v) }
