package ssm

import (
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/smithy-go"

	"github.com/opskit-dev/opskit/secrets/driver"
)

// mapErr wraps an SDK error with the driver sentinel it means, keeping the
// SDK's typed error for errors.As. AWS messages never echo values.
func mapErr(op string, err error) error {
	var (
		notFound   *types.ParameterNotFound
		verMissing *types.ParameterVersionNotFound
		api        smithy.APIError
	)
	switch {
	case errors.As(err, &notFound), errors.As(err, &verMissing):
		return fmt.Errorf("%s: %w: %w", op, driver.ErrNotFound, err)
	case errors.As(err, &api) && api.ErrorFault() == smithy.FaultClient && api.ErrorCode() != "ThrottlingException":
		return fmt.Errorf("%s: %w: %w", op, driver.ErrInvalid, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}
