package bus

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/opskit-dev/opskit/bus/driver"
)

// Sentinel errors. Typed errors below match them with errors.Is.
var (
	// ErrClosed is returned by operations on a closed Conn, Publisher or Consumer.
	ErrClosed = errors.New("bus: closed")
	// ErrInvalid matches every *InvalidError.
	ErrInvalid = errors.New("bus: invalid input")
	// ErrConflict matches every *ConflictError.
	ErrConflict = errors.New("bus: redeclare conflict")
	// ErrNotFound matches broker NOT_FOUND (404) errors.
	ErrNotFound = errors.New("bus: not found")
	// ErrAccessRefused matches broker ACCESS_REFUSED (403) errors.
	ErrAccessRefused = errors.New("bus: access refused")
	// ErrResourceLocked matches broker RESOURCE_LOCKED (405) errors, such as
	// another connection's exclusive queue.
	ErrResourceLocked = errors.New("bus: resource locked")
	// ErrPreconditionFailed matches broker PRECONDITION_FAILED (406) errors.
	ErrPreconditionFailed = errors.New("bus: precondition failed")
	// ErrNacked is returned when the broker nacks a published message.
	ErrNacked = errors.New("bus: message nacked by broker")
	// ErrUnroutable matches every *ReturnedError.
	ErrUnroutable = errors.New("bus: message unroutable")
)

// InvalidErrors is every problem found in one input, such as a Topology, in
// order. It matches ErrInvalid, and errors.As finds each *InvalidError.
type InvalidErrors []*InvalidError

// Error implements error: one line per problem.
func (es InvalidErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the problems, for errors.Is and errors.As.
func (es InvalidErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Is makes errors.Is(err, ErrInvalid) true.
func (es InvalidErrors) Is(target error) bool { return target == ErrInvalid }

func invalid(input, field, format string, args ...any) *InvalidError {
	return &InvalidError{Input: input, Field: field, Reason: fmt.Sprintf(format, args...)}
}

// ConflictError reports a redeclare whose properties or arguments differ from
// the entity that exists on the broker (PRECONDITION_FAILED, 406).
type ConflictError struct {
	// Kind is "queue" or "exchange".
	Kind string
	// Name is the entity's name.
	Name string
	// Argument is the differing property or argument, e.g. "x-queue-type" or "durable".
	Argument string
	// Reason is the broker's text.
	Reason string
}

// Error implements error.
func (e *ConflictError) Error() string {
	return fmt.Sprintf("bus: %s %q exists with a different %s: %s", e.Kind, e.Name, e.Argument, e.Reason)
}

// Is makes errors.Is(err, ErrConflict) and errors.Is(err, ErrPreconditionFailed) true.
func (e *ConflictError) Is(target error) bool {
	return target == ErrConflict || target == ErrPreconditionFailed
}

// BrokerError is an AMQP exception raised by the broker during Op.
type BrokerError struct {
	// Op is the operation and the entity it acted on, e.g.
	// `declare queue "orders"`.
	Op string
	// Code is the AMQP reply code, e.g. 404 (NOT_FOUND).
	Code int
	// Reason is the broker's reply text.
	Reason string
}

// Error implements error.
func (e *BrokerError) Error() string {
	return fmt.Sprintf("bus: %s: broker error %d: %s", e.Op, e.Code, e.Reason)
}

// Is maps reply codes onto the package's sentinels.
func (e *BrokerError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.Code == driver.CodeNotFound
	case ErrAccessRefused:
		return e.Code == driver.CodeAccessRefused
	case ErrResourceLocked:
		return e.Code == driver.CodeResourceLocked
	case ErrPreconditionFailed:
		return e.Code == driver.CodePreconditionFailed
	}
	return false
}

// ReturnedError is the result of a message the broker could not route to any
// queue and returned (messages are mandatory unless Message.DropUnroutable).
type ReturnedError struct {
	// MessageID is the returned message's ID.
	MessageID string
	// Exchange and RoutingKey are where the message was published.
	Exchange   string
	RoutingKey string
	// ReplyCode and ReplyText are the broker's reason, usually 312 NO_ROUTE.
	ReplyCode int
	ReplyText string
}

// Error implements error.
func (e *ReturnedError) Error() string {
	return fmt.Sprintf("bus: message %s to exchange %q with key %q returned: %d %s",
		e.MessageID, e.Exchange, e.RoutingKey, e.ReplyCode, e.ReplyText)
}

// Is makes errors.Is(err, ErrUnroutable) true.
func (e *ReturnedError) Is(target error) bool { return target == ErrUnroutable }

var inequivalentRE = regexp.MustCompile(`inequivalent arg '([^']+)' for (queue|exchange) '([^']*)'`)

// wrapBroker turns a driver error into the package's typed errors.
func wrapBroker(op string, err error) error {
	if err == nil {
		return nil
	}
	var de *driver.Error
	if !errors.As(err, &de) {
		return fmt.Errorf("bus: %s: %w", op, err)
	}
	if de == driver.ErrClosed {
		return fmt.Errorf("bus: %s: %w", op, errConnLost)
	}
	if de.Code == driver.CodePreconditionFailed {
		if m := inequivalentRE.FindStringSubmatch(de.Reason); m != nil {
			return &ConflictError{Kind: m[2], Name: m[3], Argument: m[1], Reason: de.Reason}
		}
	}
	return &BrokerError{Op: op, Code: de.Code, Reason: de.Reason}
}

// errConnLost says the channel or connection went away mid-operation.
var errConnLost = errors.New("connection lost")

// IsConnectionLost reports whether err came from a channel or connection that
// closed during the operation; retrying after recovery may succeed.
func IsConnectionLost(err error) bool { return errors.Is(err, errConnLost) }
