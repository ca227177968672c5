package teamvault

import (
	"errors"
	"fmt"
)

// Sentinel errors. Each error the package returns wraps one of them and
// names the entry, member, team or file involved; none carries a secret.
var (
	// ErrInvalid matches every *InvalidError: bad input or a bad team
	// file or vault config, reported before anything is written.
	ErrInvalid = errors.New("teamvault: invalid input")
	// ErrUnknownMember: the vault config names a user the team file does
	// not declare.
	ErrUnknownMember = errors.New("teamvault: unknown member")
	// ErrUnknownTeam: the vault config names a team the team file does
	// not declare.
	ErrUnknownTeam = errors.New("teamvault: unknown team")
	// ErrNotFound: no such entry.
	ErrNotFound = errors.New("teamvault: entry not found")
	// ErrNoReaders: no vault config rule gives the entry a reader with a
	// usable key.
	ErrNoReaders = errors.New("teamvault: entry has no readers")
	// ErrNoAccess: the identity given is not among the entry's recipients.
	ErrNoAccess = errors.New("teamvault: identity cannot decrypt entry")
	// ErrTampered: an entry file is not what the vault wrote: its
	// recipients differ from its .readers file, its armor or age header
	// does not parse, or its ciphertext fails authentication.
	ErrTampered = errors.New("teamvault: entry tampered with")
)

func invalid(input, field, format string, args ...any) *InvalidError {
	return &InvalidError{Input: input, Field: field, Reason: fmt.Sprintf(format, args...)}
}

// EntryError is a failure on one entry; Err is one of the sentinels or the
// underlying cause.
type EntryError struct {
	// Entry is the entry's name.
	Entry string
	// Op is what was being done: "read", "decrypt", "write"...
	Op string
	// Err is the cause.
	Err error
}

// Error implements error.
func (e *EntryError) Error() string {
	return fmt.Sprintf("teamvault: %s entry %q: %v", e.Op, e.Entry, trimPrefix(e.Err))
}

// Unwrap returns the cause.
func (e *EntryError) Unwrap() error { return e.Err }

func trimPrefix(err error) string {
	s := err.Error()
	const p = "teamvault: "
	if len(s) > len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}
