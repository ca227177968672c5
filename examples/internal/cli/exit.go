package cli

import (
	"errors"
	"fmt"
	"strings"
)

// Exit codes every example program uses.
const (
	// ExitOK: the run succeeded.
	ExitOK = 0
	// ExitFindings: findings at or above --fail-on.
	ExitFindings = 1
	// ExitUsage: bad flags, arguments or configuration; nothing was done.
	ExitUsage = 2
	// ExitPartial: some hosts or resources failed (the report says which);
	// the rest was done.
	ExitPartial = 3
)

// UsageError is a bad flag or argument.
type UsageError struct {
	// Msg says what is wrong.
	Msg string
}

// Error implements error.
func (e *UsageError) Error() string { return e.Msg }

// Usagef returns a *UsageError.
func Usagef(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// FindingsError reports findings at or above the --fail-on threshold.
type FindingsError struct {
	// Count is how many findings are at or above the threshold.
	Count int
	// Threshold is the --fail-on severity.
	Threshold string
}

// Error implements error.
func (e *FindingsError) Error() string {
	return fmt.Sprintf("%d finding(s) at or above %s", e.Count, e.Threshold)
}

// PartialError reports that some resources failed while the rest was done.
type PartialError struct {
	// Failed names each failed host or resource (with its error where the
	// program's output has not said it already).
	Failed []string
}

// Error implements error.
func (e *PartialError) Error() string {
	return fmt.Sprintf("%d failed: %s", len(e.Failed), strings.Join(e.Failed, "; "))
}

// ExitCode maps an error returned by a program's run function to its exit
// code: nil is ExitOK, a *UsageError or *ConfigError ExitUsage, a
// *FindingsError ExitFindings, and anything else (a *PartialError or a
// failure to reach what the program works on) ExitPartial.
func ExitCode(err error) int {
	var ue *UsageError
	var ce *ConfigError
	var ces ConfigErrors
	var fe *FindingsError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ue), errors.As(err, &ce), errors.As(err, &ces):
		return ExitUsage
	case errors.As(err, &fe):
		return ExitFindings
	default:
		return ExitPartial
	}
}
