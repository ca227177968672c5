package secrets

import (
	"fmt"
	"log/slog"
)

// Redacted is what every formatting of a Value prints.
const Redacted = "[REDACTED]"

// Value holds a secret's bytes. Every way of printing it (String, fmt
// verbs including %#v, JSON, text, slog) shows Redacted; only Bytes and
// Reveal return the secret. Copies share the bytes, so Zero clears them
// for every copy.
type Value struct{ b []byte }

// NewValue returns a Value over b (not copied).
func NewValue(b []byte) Value { return Value{b: b} }

// Bytes returns the secret bytes themselves (not a copy).
func (v Value) Bytes() []byte { return v.b }

// Reveal returns the secret as a string (a copy Zero cannot clear).
func (v Value) Reveal() string { return string(v.b) }

// Len is the length of the secret in bytes.
func (v Value) Len() int { return len(v.b) }

// IsZero reports whether the Value is empty.
func (v Value) IsZero() bool { return len(v.b) == 0 }

// Zero overwrites the bytes with zeros.
func (v Value) Zero() { clear(v.b) }

// String implements fmt.Stringer with Redacted.
func (v Value) String() string { return Redacted }

// GoString implements fmt.GoStringer with Redacted.
func (v Value) GoString() string { return Redacted }

// Format implements fmt.Formatter: every verb prints Redacted.
func (v Value) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(Redacted)) }

// MarshalJSON implements json.Marshaler with Redacted.
func (v Value) MarshalJSON() ([]byte, error) { return []byte(`"` + Redacted + `"`), nil }

// MarshalText implements encoding.TextMarshaler with Redacted.
func (v Value) MarshalText() ([]byte, error) { return []byte(Redacted), nil }

// LogValue implements slog.LogValuer with Redacted.
func (v Value) LogValue() slog.Value { return slog.StringValue(Redacted) }
