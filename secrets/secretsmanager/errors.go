package secretsmanager

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/opskit-dev/opskit/secrets/driver"
)

// mapErr wraps an SDK error with the driver sentinel it means, keeping the
// SDK's typed error for errors.As. AWS messages never echo secret values.
func mapErr(op string, err error) error {
	var (
		notFound *types.ResourceNotFoundException
		badReq   *types.InvalidRequestException
		badParam *types.InvalidParameterException
		exists   *types.ResourceExistsException
	)
	switch {
	case errors.As(err, &notFound):
		return fmt.Errorf("%s: %w: %w", op, driver.ErrNotFound, err)
	case errors.As(err, &badReq) && strings.Contains(strings.ToLower(badReq.ErrorMessage()), "delet"):
		return fmt.Errorf("%s: %w: %w", op, driver.ErrDeleted, err)
	case errors.As(err, &badReq), errors.As(err, &badParam), errors.As(err, &exists):
		return fmt.Errorf("%s: %w: %w", op, driver.ErrInvalid, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}
