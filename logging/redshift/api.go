package redshift

import (
	"context"

	rs "github.com/aws/aws-sdk-go-v2/service/redshift"
)

// The operations used, one interface each, as aws-sdk-go-v2 names them.
type (
	// EnableLoggingAPI turns audit logging on.
	EnableLoggingAPI interface {
		EnableLogging(context.Context, *rs.EnableLoggingInput, ...func(*rs.Options)) (*rs.EnableLoggingOutput, error)
	}
	// DescribeLoggingStatusAPI reads the audit logging settings back.
	DescribeLoggingStatusAPI interface {
		DescribeLoggingStatus(context.Context, *rs.DescribeLoggingStatusInput, ...func(*rs.Options)) (*rs.DescribeLoggingStatusOutput, error)
	}
)

// API is what EnableCloudWatch uses; *redshift.Client implements it.
type API interface {
	EnableLoggingAPI
	DescribeLoggingStatusAPI
}

var _ API = (*rs.Client)(nil)
