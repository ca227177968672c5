package cloudwatch

import (
	"errors"
	"fmt"

	"github.com/aws/smithy-go"
)

// Error is a failed CloudWatch Logs call, naming the group and stream.
type Error struct {
	Op, Group, Stream string
	Err               error
}

// Error implements error.
func (e *Error) Error() string {
	if e.Stream != "" {
		return fmt.Sprintf("cloudwatch: %s %s/%s: %v", e.Op, e.Group, e.Stream, e.Err)
	}
	return fmt.Sprintf("cloudwatch: %s %s: %v", e.Op, e.Group, e.Err)
}

// Unwrap returns the SDK error.
func (e *Error) Unwrap() error { return e.Err }

// Throttled reports whether the error is CloudWatch throttling.
func (e *Error) Throttled() bool { return retryable(errorCode(e.Err)) }

func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func retryable(code string) bool {
	switch code {
	case "ThrottlingException", "ServiceUnavailableException", "LimitExceededException", "RequestLimitExceeded":
		return true
	}
	return false
}
