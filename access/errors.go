package access

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors, matched with errors.Is through the typed errors that wrap
// them.
var (
	// ErrInvalidUserName means a user name is not one useradd accepts
	// ([a-z_][a-z0-9_-]*, at most 32 characters).
	ErrInvalidUserName = errors.New("invalid user name")
	// ErrInvalidKey means a public key line does not parse as exactly one
	// authorized_keys key.
	ErrInvalidKey = errors.New("invalid public key")
	// ErrKeyOptions means a key line carries authorized_keys options such as
	// command="..." or from="...", which a team file may not smuggle in.
	ErrKeyOptions = errors.New("key options are not allowed")
	// ErrKeySmuggling means a key line carries a newline, NUL or other control
	// character, or trailing data after the key.
	ErrKeySmuggling = errors.New("key line carries extra data")
	// ErrWeakKey means a DSA key, or an RSA key below the minimum size.
	ErrWeakKey = errors.New("weak key")
	// ErrDuplicateKey means the same key appears twice in a team file.
	ErrDuplicateKey = errors.New("duplicate key")
	// ErrUnknownTeam means a user or host group names a team the file does not
	// declare.
	ErrUnknownTeam = errors.New("unknown team")
	// ErrUnknownHostGroup means a host names a host group the file does not
	// declare.
	ErrUnknownHostGroup = errors.New("unknown host group")
	// ErrDuplicateUser means a user name is declared twice.
	ErrDuplicateUser = errors.New("duplicate user")
	// ErrInvalidField means a team file field has the wrong shape or value.
	ErrInvalidField = errors.New("invalid field")
	// ErrFetchKeys means keys could not be fetched from a key source such as
	// github:USER.
	ErrFetchKeys = errors.New("cannot fetch keys")
	// ErrInvalidOption means an Options value is out of range.
	ErrInvalidOption = errors.New("invalid option")
	// ErrNotManaged means a host already has a user of that name which opskit
	// did not create; opskit refuses to take it over.
	ErrNotManaged = errors.New("user exists and is not managed by opskit")
	// ErrHost means a host operation failed.
	ErrHost = errors.New("host operation failed")
)

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
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the underlying error.
func (e *ValidationError) Unwrap() error { return e.Err }

// ValidationErrors is every problem found in one team file, in file order.
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

// HostError is a failure on one host, naming it.
type HostError struct {
	Host string
	Op   string
	Err  error
}

func (e *HostError) Error() string {
	if e.Op != "" {
		return fmt.Sprintf("host %s: %s: %v", e.Host, e.Op, e.Err)
	}
	return fmt.Sprintf("host %s: %v", e.Host, e.Err)
}

// Unwrap returns the underlying error.
func (e *HostError) Unwrap() error { return e.Err }
