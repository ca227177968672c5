package audit

import (
	"fmt"
	"strings"
)

// enum is the shared machinery behind Severity, Status and Format: small
// integer types whose valid values run from 1 to len(names)-1, each with a
// lowercase name.
type enum[T ~int] struct {
	kind  string   // "severity", "status", "format"
	names []string // indexed by value; names[0] is unused
	order []T      // the order Parse tries and ParseError lists names in
}

func (e enum[T]) valid(v T) bool { return v >= 1 && int(v) < len(e.names) }

func (e enum[T]) String(v T) string {
	if !e.valid(v) {
		return fmt.Sprintf("%s(%d)", e.kind, int(v))
	}
	return e.names[v]
}

// parse matches name, ignoring case and surrounding space, or returns a
// *ParseError naming it and the accepted names.
func (e enum[T]) parse(name string) (T, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	valid := make([]string, len(e.order))
	for i, v := range e.order {
		if e.names[v] == n {
			return v, nil
		}
		valid[i] = e.names[v]
	}
	return 0, &ParseError{Kind: e.kind, Value: name, Valid: valid}
}

func (e enum[T]) marshal(v T) ([]byte, error) {
	if !e.valid(v) {
		return nil, fmt.Errorf("audit: cannot marshal invalid %s", e.String(v))
	}
	return []byte(e.names[v]), nil
}

func (e enum[T]) unmarshal(dst *T, text []byte, parse func(string) (T, error)) error {
	v, err := parse(string(text))
	if err != nil {
		return err
	}
	*dst = v
	return nil
}
