package passbolt

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// Sentinel errors. The typed errors below match them with errors.Is.
var (
	// ErrInvalid matches every *InvalidError and every *ValidationError.
	ErrInvalid = errors.New("passbolt: invalid input")
	// ErrNotFound matches a 404: no such entity, or no access to it.
	ErrNotFound = errors.New("passbolt: not found")
	// ErrForbidden matches a 403: access too low for the operation.
	ErrForbidden = errors.New("passbolt: forbidden")
	// ErrUnauthorized matches a 401 and a refused login or refresh.
	ErrUnauthorized = errors.New("passbolt: unauthorized")
	// ErrServerKey matches every *ServerKeyError.
	ErrServerKey = errors.New("passbolt: server key is not the pinned key")
	// ErrClosed is returned by operations on a closed Client.
	ErrClosed = errors.New("passbolt: client closed")
	// ErrUnsupported: the resource's type is not one this client reads.
	ErrUnsupported = errors.New("passbolt: unsupported")
)

func invalid(input, field, format string, args ...any) *InvalidError {
	return &InvalidError{Input: input, Field: field, Reason: fmt.Sprintf(format, args...)}
}

// APIError is an error envelope the server answered to Op.
type APIError struct {
	// Op is the operation and the entity it acted on, e.g.
	// `update resource 0f1e...`.
	Op string
	// Status is the HTTP status (the envelope's header.code).
	Status int
	// Message is the envelope's header.message.
	Message string
	auth    bool // a refused login or refresh
}

// Error implements error.
func (e *APIError) Error() string {
	return fmt.Sprintf("passbolt: %s: %d %s", e.Op, e.Status, e.Message)
}

// Is maps the status onto the sentinels.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.Status == http.StatusNotFound
	case ErrForbidden:
		return e.Status == http.StatusForbidden
	case ErrUnauthorized:
		return e.Status == http.StatusUnauthorized || (e.auth && e.Status < 500)
	}
	return false
}

// ValidationError is a 400 whose body names the fields the server
// refused, as {field: {rule: message}} flattened to dotted paths.
type ValidationError struct {
	// Op is the operation and the entity it acted on.
	Op string
	// Message is the envelope's header.message.
	Message string
	// Fields maps a dotted field path (e.g. "secrets" or
	// "secrets.0.data") to the rules it broke (e.g. "secrets_provided")
	// and their messages.
	Fields map[string]map[string]string
}

// Error implements error: the fields and rules, sorted.
func (e *ValidationError) Error() string {
	var parts []string
	for f, rules := range e.Fields {
		for r := range rules {
			parts = append(parts, f+" ("+r+")")
		}
	}
	sort.Strings(parts)
	return fmt.Sprintf("passbolt: %s: %s: %s", e.Op, e.Message, strings.Join(parts, ", "))
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Has reports whether field broke rule, e.g. Has("secrets",
// "secrets_provided").
func (e *ValidationError) Has(field, rule string) bool {
	_, ok := e.Fields[field][rule]
	return ok
}

// flatten turns the server's nested error tree into dotted paths. A map
// whose values are all strings is a leaf {rule: message}.
func flatten(prefix string, tree map[string]any, out map[string]map[string]string) {
	for k, v := range tree {
		switch v := v.(type) {
		case string:
			if out[prefix] == nil {
				out[prefix] = map[string]string{}
			}
			out[prefix][k] = v
		case map[string]any:
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			flatten(p, v, out)
		}
	}
}

// ServerKeyError reports a server key whose fingerprint is not the one
// pinned in Options.ServerFingerprint.
type ServerKeyError struct {
	// URL is the server's base URL.
	URL string
	// Pinned and Got are the pinned and the presented fingerprints; Got
	// is empty when the login reply carried no valid signature at all.
	Pinned, Got string
}

// Error implements error.
func (e *ServerKeyError) Error() string {
	if e.Got == "" {
		return fmt.Sprintf("passbolt: server %s answered the login without a valid signature by the pinned key %s", e.URL, e.Pinned)
	}
	return fmt.Sprintf("passbolt: server %s presented key %s, not the pinned key %s", e.URL, e.Got, e.Pinned)
}

// Is makes errors.Is(err, ErrServerKey) true.
func (e *ServerKeyError) Is(target error) bool { return target == ErrServerKey }
