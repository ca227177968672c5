package rdslogs

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/rds"
)

// API is the part of the RDS client the source uses; *rds.Client
// implements it.
type API interface {
	DescribeDBLogFiles(ctx context.Context, in *rds.DescribeDBLogFilesInput, optFns ...func(*rds.Options)) (*rds.DescribeDBLogFilesOutput, error)
	DownloadDBLogFilePortion(ctx context.Context, in *rds.DownloadDBLogFilePortionInput, optFns ...func(*rds.Options)) (*rds.DownloadDBLogFilePortionOutput, error)
}

var _ API = (*rds.Client)(nil)
