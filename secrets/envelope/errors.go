package envelope

import "errors"

var (
	// ErrInvalid matches every *InvalidError.
	ErrInvalid = errors.New("envelope: invalid input")
	// ErrAuth is returned when a message fails authentication: changed,
	// truncated, extended, or opened with another encryption context.
	ErrAuth = errors.New("envelope: message authentication failed")
	// ErrFormat is returned for input that is not a version-1 message.
	ErrFormat = errors.New("envelope: not an envelope message")
)
