package access

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors, matched with errors.Is through the typed errors that wrap
// them. Every sentinel for bad input (the team file's, an Op's, an
// option's) also matches ErrInvalid.
var (
	// ErrInvalid matches every error for bad input: *InvalidError,
	// *ValidationError, ValidationErrors and the sentinels below that name
	// a kind of bad input. Nothing is changed on any host when it is
	// returned.
	ErrInvalid = errors.New("access: invalid input")
	// ErrInvalidUserName means a user name is not one useradd accepts
	// ([a-z_][a-z0-9_-]*, at most 32 characters).
	ErrInvalidUserName = invalid("access: invalid user name")
	// ErrInvalidKey means a public key line does not parse as exactly one
	// authorized_keys key.
	ErrInvalidKey = invalid("access: invalid public key")
	// ErrKeyOptions means a key line carries authorized_keys options such as
	// command="..." or from="...", which a team file may not smuggle in.
	ErrKeyOptions = invalid("access: key options are not allowed")
	// ErrKeySmuggling means a key line carries a newline, NUL or other control
	// character, or trailing data after the key.
	ErrKeySmuggling = invalid("access: key line carries extra data")
	// ErrWeakKey means a DSA key, or an RSA key below the minimum size.
	ErrWeakKey = invalid("access: weak key")
	// ErrDuplicateKey means the same key appears twice in a team file.
	ErrDuplicateKey = invalid("access: duplicate key")
	// ErrUnknownTeam means a user or host group names a team the file does not
	// declare.
	ErrUnknownTeam = invalid("access: unknown team")
	// ErrUnknownHostGroup means a host names a host group the file does not
	// declare.
	ErrUnknownHostGroup = invalid("access: unknown host group")
	// ErrDuplicateUser means a user name is declared twice.
	ErrDuplicateUser = invalid("access: duplicate user")
	// ErrInvalidField means a team file field has the wrong shape or value.
	ErrInvalidField = invalid("access: invalid field")
	// ErrFetchKeys means keys could not be fetched from a key source such as
	// github:USER.
	ErrFetchKeys = errors.New("access: cannot fetch keys")
	// ErrInvalidOption means an Options value is out of range.
	ErrInvalidOption = invalid("access: invalid option")
	// ErrNotManaged means a host already has a user of that name which opskit
	// did not create; opskit refuses to take it over.
	ErrNotManaged = errors.New("access: user exists and is not managed by opskit")
	// ErrHost means a host operation failed.
	ErrHost = errors.New("access: host operation failed")
)

// invalidKind is a sentinel for one kind of bad input; it matches
// ErrInvalid too.
type invalidKind struct{ msg string }

func invalid(msg string) error { return &invalidKind{msg} }

func (e *invalidKind) Error() string { return e.msg }

// Is makes errors.Is(err, ErrInvalid) true.
func (e *invalidKind) Is(target error) bool { return target == ErrInvalid }

// InvalidError reports bad input (an Op, an option, an argument) before
// any host is contacted.
type InvalidError struct {
	// Input names the offending input, e.g. `op "user alice"` or `Options`.
	Input string
	// Field is the field or argument at fault, if any.
	Field string
	// Reason says what is wrong.
	Reason string
	// Err is the sentinel naming the kind of problem, such as
	// ErrInvalidField or ErrKeyOptions, for callers that branch on it; nil
	// when there is none.
	Err error
}

// Error implements error.
func (e *InvalidError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("access: invalid %s: %s: %s", e.Input, e.Field, e.Reason)
	}
	return fmt.Sprintf("access: invalid %s: %s", e.Input, e.Reason)
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

// Unwrap returns Err.
func (e *InvalidError) Unwrap() error { return e.Err }

// msg is err's message without the package prefix, for nesting it in
// another access error.
func msg(err error) string { return strings.TrimPrefix(err.Error(), "access: ") }

// ValidationError is one problem in a team file, naming the file, the line,
// the user (when there is one) and the field.
type ValidationError struct {
	File  string
	Line  int
	User  string
	Field string
	Err   error
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("access: ")
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.User != "" {
		fmt.Fprintf(&b, "user %q: ", e.User)
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(msg(e.Err))
	return b.String()
}

// Unwrap returns the underlying error.
func (e *ValidationError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// ValidationErrors is every problem found in one team file, in file order,
// one line each. It matches ErrInvalid, and errors.As finds each
// *ValidationError.
type ValidationErrors []*ValidationError

func (es ValidationErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Unwrap returns the individual errors, so errors.Is and errors.As see each.
func (es ValidationErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Is makes errors.Is(err, ErrInvalid) true.
func (es ValidationErrors) Is(target error) bool { return target == ErrInvalid }

// HostError is a failure on one host, naming it.
type HostError struct {
	Host string
	Op   string
	Err  error
}

func (e *HostError) Error() string {
	if e.Op != "" {
		return fmt.Sprintf("access: host %s: %s: %s", e.Host, e.Op, msg(e.Err))
	}
	return fmt.Sprintf("access: host %s: %s", e.Host, msg(e.Err))
}

// Unwrap returns the underlying error.
func (e *HostError) Unwrap() error { return e.Err }
