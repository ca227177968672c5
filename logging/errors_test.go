package logging_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/opskit-dev/opskit/logging"
)

func TestInvalidErrors(t *testing.T) {
	one := &logging.InvalidError{Input: "Options", Field: "BatchEvents", Reason: "-1; must not be negative"}
	if !errors.Is(one, logging.ErrInvalid) || one.Error() != "logging: invalid Options: BatchEvents: -1; must not be negative" {
		t.Fatalf("InvalidError = %q, Is(ErrInvalid) %v", one, errors.Is(one, logging.ErrInvalid))
	}
	noField := &logging.InvalidError{Input: "input", Reason: "empty"}
	if got := noField.Error(); got != "logging: invalid input: empty" {
		t.Fatalf("InvalidError without Field = %q", got)
	}
	var err error = fmt.Errorf("setup: %w", logging.InvalidErrors{one, noField})
	var ie *logging.InvalidError
	if !errors.Is(err, logging.ErrInvalid) || !errors.As(err, &ie) || ie != one {
		t.Fatalf("wrapped InvalidErrors: Is(ErrInvalid) %v, As found %v; want true and the first problem", errors.Is(err, logging.ErrInvalid), ie)
	}
	want := "setup: logging: invalid Options: BatchEvents: -1; must not be negative\nlogging: invalid input: empty"
	if err.Error() != want {
		t.Fatalf("Error() = %q; want %q", err, want)
	}
}
