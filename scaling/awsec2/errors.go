package awsec2

import (
	"errors"
	"fmt"

	"github.com/aws/smithy-go"
)

// ErrInvalid matches every *InvalidError, as does scaling.ErrInvalid.
var ErrInvalid = errors.New("scaling/awsec2: invalid input")

func invalid(input, field, format string, args ...any) *InvalidError {
	return &InvalidError{Input: input, Field: field, Reason: fmt.Sprintf(format, args...)}
}

// isCode reports whether err is an EC2 error with one of the codes.
func isCode(err error, codes ...string) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	for _, c := range codes {
		if ae.ErrorCode() == c {
			return true
		}
	}
	return false
}
