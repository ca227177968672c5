package rdslogs

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/opskit-dev/opskit/logging"
)

// ExportsAPI is what EnableExports uses.
type ExportsAPI interface {
	ModifyDBInstance(ctx context.Context, in *rds.ModifyDBInstanceInput, optFns ...func(*rds.Options)) (*rds.ModifyDBInstanceOutput, error)
	DescribeDBInstances(ctx context.Context, in *rds.DescribeDBInstancesInput, optFns ...func(*rds.Options)) (*rds.DescribeDBInstancesOutput, error)
}

// exportTypes are the log types each engine can export.
var exportTypes = map[string][]string{
	"postgres":          {"postgresql", "upgrade", "iam-db-auth-error"},
	"aurora-postgresql": {"postgresql", "instance", "iam-db-auth-error"},
	"mysql":             {"audit", "error", "general", "slowquery", "iam-db-auth-error"},
	"mariadb":           {"audit", "error", "general", "slowquery", "iam-db-auth-error"},
	"aurora-mysql":      {"audit", "error", "general", "slowquery", "instance", "iam-db-auth-error"},
}

// EnableExports turns on CloudWatch Logs exports of logTypes (default
// "postgresql" for PostgreSQL engines) for an instance, applied
// immediately. It checks the types against the instance's engine first and
// is a no-op for types already enabled. It returns the log groups.
func EnableExports(ctx context.Context, api ExportsAPI, instance string, logTypes ...string) ([]string, error) {
	out, err := api.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(instance)})
	if err != nil {
		return nil, &Error{Op: "DescribeDBInstances", Instance: instance, Err: err}
	}
	if len(out.DBInstances) != 1 {
		return nil, &Error{Op: "DescribeDBInstances", Instance: instance, Err: fmt.Errorf("found %d instances", len(out.DBInstances))}
	}
	db := out.DBInstances[0]
	engine := aws.ToString(db.Engine)
	allowed := exportTypes[engine]
	if len(logTypes) == 0 {
		if strings.Contains(engine, "postgres") {
			logTypes = []string{"postgresql"}
		} else {
			return nil, &logging.InvalidError{Input: "rdslogs.EnableExports", Field: "logTypes", Reason: "name the log types to export for engine " + engine}
		}
	}
	enabled := map[string]bool{}
	for _, t := range db.EnabledCloudwatchLogsExports {
		enabled[t] = true
	}
	var add []string
	for _, t := range logTypes {
		if allowed != nil && !contains(allowed, t) {
			return nil, &logging.InvalidError{Input: "rdslogs.EnableExports", Field: "logTypes", Reason: fmt.Sprintf("%q: engine %s exports only %s", t, engine, strings.Join(allowed, ", "))}
		}
		if !enabled[t] {
			add = append(add, t)
		}
	}
	if len(add) > 0 {
		_, err := api.ModifyDBInstance(ctx, &rds.ModifyDBInstanceInput{DBInstanceIdentifier: aws.String(instance), ApplyImmediately: aws.Bool(true),
			CloudwatchLogsExportConfiguration: &types.CloudwatchLogsExportConfiguration{EnableLogTypes: add}})
		if err != nil {
			return nil, &Error{Op: "ModifyDBInstance", Instance: instance, Err: err}
		}
	}
	groups := make([]string, len(logTypes))
	for i, t := range logTypes {
		groups[i] = ExportedLogGroup(instance, t)
	}
	return groups, nil
}

// ExportedLogGroup is where RDS exports an instance's logs of logType.
func ExportedLogGroup(instance, logType string) string {
	return "/aws/rds/instance/" + instance + "/" + logType
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
