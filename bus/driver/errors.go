package driver

import "fmt"

// AMQP reply codes that bus classifies.
const (
	CodeConnectionForced   = 320
	CodeNoRoute            = 312
	CodeAccessRefused      = 403
	CodeNotFound           = 404
	CodeResourceLocked     = 405
	CodePreconditionFailed = 406
	CodeFrameError         = 501
	CodeCommandInvalid     = 503
	CodeChannelError       = 504
	CodeNotAllowed         = 530
	CodeNotImplemented     = 540
	CodeInternalError      = 541
)

// Error is an AMQP error: a channel or connection exception.
type Error struct {
	Code   int
	Reason string
	// Server is true when the broker raised it.
	Server bool
}

// Error implements error.
func (e *Error) Error() string {
	return fmt.Sprintf("amqp exception (%d): %s", e.Code, e.Reason)
}

// ErrClosed is returned by operations on a closed connection or channel.
var ErrClosed = &Error{Code: CodeChannelError, Reason: "channel/connection is not open"}
