package audit

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// WaiverError reports a problem in a waiver file, naming the file, the
// line and the entry. [ParseWaivers] joins one per bad entry with
// [errors.Join]; errors.As finds the first.
type WaiverError struct {
	// File is the file name as given to ParseWaivers or LoadWaivers.
	File string
	// Line is the 1-based line of the entry or key, or 0 when unknown.
	Line int
	// Entry is the 1-based position of the waiver in the list, or 0 when
	// the error is about the file as a whole.
	Entry int
	// CheckID is the entry's check ID, when it has one.
	CheckID string
	// Err is the underlying problem; for validation failures it wraps
	// [ErrInvalidWaiver].
	Err error
}

// Error implements error, e.g.
// "audit: waivers.yaml:7: waiver 2 (database.pg_hba.trust): empty reason: invalid waiver".
func (e *WaiverError) Error() string {
	var b strings.Builder
	b.WriteString("audit: ")
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Entry > 0 {
		fmt.Fprintf(&b, ": waiver %d", e.Entry)
		if e.CheckID != "" {
			fmt.Fprintf(&b, " (%s)", e.CheckID)
		}
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns e.Err.
func (e *WaiverError) Unwrap() error { return e.Err }

// LoadWaivers reads and validates the waiver file at name; see
// [ParseWaivers] for the format.
func LoadWaivers(name string) ([]Waiver, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("audit: load waivers: %w", err)
	}
	return ParseWaivers(bytes.NewReader(data), name)
}

// ParseWaivers reads waivers in YAML from r; name is used in errors and in
// each Waiver.Source ("name:line"). The document is a mapping with one key,
// waivers, holding a list:
//
//	waivers:
//	  - check: database.pg_hba.trust      # Check ID, exact
//	    resource: "pg_hba.conf:*"         # path.Match pattern, see Waiver.Resource
//	    reason: replication host on a private VLAN, OPS-1234
//	    owner: dba-team                   # optional
//	    expires: 2026-06-30               # date (UTC midnight) or RFC 3339 time
//
// A date-only expiry means the waiver stops waiving at the start of that
// day, UTC. Unknown keys are errors, so a misspelt "expiry" is caught. Every
// entry is validated with [Waiver.Validate]. On any problem ParseWaivers
// returns no waivers and a *[WaiverError] per bad entry, joined. An empty
// document holds no waivers.
func ParseWaivers(r io.Reader, name string) ([]Waiver, error) {
	var root yaml.Node
	if err := yaml.NewDecoder(r).Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, &WaiverError{File: name, Err: err}
	}
	list, err := waiverList(&root)
	if err != nil {
		var le *lineError
		if errors.As(err, &le) {
			return nil, &WaiverError{File: name, Line: le.line, Err: le.err}
		}
		return nil, &WaiverError{File: name, Err: err}
	}
	var (
		out  []Waiver
		errs []error
	)
	for i, n := range list {
		w, err := parseWaiver(n)
		w.Source = fmt.Sprintf("%s:%d", name, n.Line)
		if err == nil {
			err = w.Validate()
		}
		if err != nil {
			line := n.Line
			var le *lineError
			if errors.As(err, &le) {
				line, err = le.line, le.err
			}
			errs = append(errs, &WaiverError{File: name, Line: line, Entry: i + 1, CheckID: w.CheckID, Err: err})
			continue
		}
		out = append(out, w)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// waiverList returns the entries of the waivers list in a document.
func waiverList(doc *yaml.Node) ([]*yaml.Node, error) {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, nil
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode {
		return nil, &lineError{m.Line, errors.New("want a mapping with a waivers list")}
	}
	var (
		list []*yaml.Node
		seen bool
	)
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Value != "waivers" {
			return nil, &lineError{k.Line, fmt.Errorf("unknown key %q (want waivers)", k.Value)}
		}
		if seen {
			return nil, &lineError{k.Line, errors.New("duplicate key \"waivers\"")}
		}
		seen = true
		if v.Kind != yaml.SequenceNode {
			if v.Tag == "!!null" {
				continue
			}
			return nil, &lineError{v.Line, errors.New("waivers: want a list")}
		}
		list = v.Content
	}
	return list, nil
}

// lineError carries a more precise line than the entry's own.
type lineError struct {
	line int
	err  error
}

func (e *lineError) Error() string { return e.err.Error() }

func parseWaiver(n *yaml.Node) (Waiver, error) {
	if n.Kind != yaml.MappingNode {
		return Waiver{}, errors.New("want a mapping with check, resource, reason, expires")
	}
	var (
		w       Waiver
		expires string
		seen    = map[string]bool{}
	)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		var dst *string
		switch k.Value {
		case "check":
			dst = &w.CheckID
		case "resource":
			dst = &w.Resource
		case "reason":
			dst = &w.Reason
		case "owner":
			dst = &w.Owner
		case "expires":
			dst = &expires
		default:
			return w, &lineError{k.Line, fmt.Errorf("unknown key %q (want check, resource, reason, owner, expires)", k.Value)}
		}
		if seen[k.Value] {
			return w, &lineError{k.Line, fmt.Errorf("duplicate key %q", k.Value)}
		}
		seen[k.Value] = true
		if v.Kind != yaml.ScalarNode {
			return w, &lineError{v.Line, fmt.Errorf("%s: want a single value", k.Value)}
		}
		*dst = v.Value
	}
	if expires != "" {
		t, err := parseExpiry(expires)
		if err != nil {
			return w, err
		}
		w.Expires = t
	}
	return w, nil
}

func parseExpiry(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("expires %q: want a date like 2026-06-30 or an RFC 3339 time: %w", s, ErrInvalidWaiver)
}
