package secrets

import (
	"bytes"
	"errors"
	"strings"
)

// scrub guards against a backend that echoes a value in an error (some
// validation errors quote their input): if err's text holds value, it is
// replaced by an error whose text shows Redacted instead. The result still
// matches the same sentinels with errors.Is, but does not unwrap to the
// original.
func scrub(err error, value []byte) error {
	if err == nil || len(value) < 4 || !strings.Contains(err.Error(), string(value)) {
		return err
	}
	return &scrubbedError{text: strings.ReplaceAll(err.Error(), string(value), Redacted), inner: err}
}

type scrubbedError struct {
	text  string
	inner error
}

func (e *scrubbedError) Error() string { return e.text }

func (e *scrubbedError) Is(target error) bool { return errors.Is(e.inner, target) }

// scrubAll applies scrub for every value (by line, for multi-line values).
func scrubAll(err error, value []byte) error {
	err = scrub(err, value)
	for _, line := range bytes.Split(value, []byte("\n")) {
		err = scrub(err, line)
	}
	return err
}
