package bus

import (
	"errors"
	"strings"

	"github.com/opskit-dev/opskit/bus/driver"
)

// nodeError is why one node refused a Dial: the node (a URL without its
// password) and the cause, with broker exceptions (a refused login is 403)
// as *BrokerError so errors.Is(err, ErrAccessRefused) finds them.
type nodeError struct {
	node string
	err  error
}

func newNodeError(node string, err error) *nodeError {
	var de *driver.Error
	if errors.As(err, &de) && de != driver.ErrClosed {
		err = &BrokerError{Op: "open connection", Code: de.Code, Reason: de.Reason}
	}
	return &nodeError{node: node, err: err}
}

// Error implements error.
func (e *nodeError) Error() string {
	return e.node + ": " + strings.TrimPrefix(e.err.Error(), "bus: ")
}

// Unwrap returns the cause.
func (e *nodeError) Unwrap() error { return e.err }
