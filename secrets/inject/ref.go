package inject

import (
	"fmt"
	"strings"
)

// Reference schemes.
const (
	SchemeSecretsManager = "secretsmanager"
	SchemeSSM            = "ssm"
	SchemeSwarm          = "swarm"
	SchemeFile           = "file"
)

// Ref is a parsed reference.
type Ref struct {
	// Scheme is one of the Scheme constants.
	Scheme string
	// Name is the secret's name, parameter path, or file path.
	Name string
	// Key, if set, selects a field of a JSON object value.
	Key string
}

// String returns the reference in its URL form (references are not secret).
func (r Ref) String() string {
	s := r.Scheme + "://" + r.Name
	if r.Key != "" {
		s += "#" + r.Key
	}
	return s
}

// ParseRef parses s; ok is false when s is not a reference at all (a plain
// value), and err reports a reference that is malformed.
func ParseRef(s string) (ref Ref, ok bool, err error) {
	scheme, rest, found := strings.Cut(s, "://")
	if !found {
		return Ref{}, false, nil
	}
	switch scheme {
	case SchemeSecretsManager, SchemeSSM, SchemeSwarm, SchemeFile:
	default:
		return Ref{}, false, nil
	}
	name, key, _ := strings.Cut(rest, "#")
	ref = Ref{Scheme: scheme, Name: name, Key: key}
	switch {
	case name == "":
		return ref, true, &InvalidError{Ref: s, Reason: "no name"}
	case (scheme == SchemeSSM || scheme == SchemeFile) && !strings.HasPrefix(name, "/"):
		return ref, true, &InvalidError{Ref: s, Reason: "the path must be absolute (" + scheme + ":///path)"}
	case scheme == SchemeSwarm && strings.ContainsAny(name, "/\\"):
		return ref, true, &InvalidError{Ref: s, Reason: "a swarm secret name has no slash"}
	}
	return ref, true, nil
}

// InvalidError is a malformed reference. References are not secret, so it
// quotes them.
type InvalidError struct {
	Ref    string
	Reason string
}

// Error implements error.
func (e *InvalidError) Error() string {
	return fmt.Sprintf("inject: invalid reference %q: %s", e.Ref, e.Reason)
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }
