package redshift

import (
	"context"
	"fmt"
	"regexp"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	rs "github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/redshift/types"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/cloudwatch"
)

// Log is one of Redshift's audit logs.
type Log string

// The audit logs, by their LogExports names.
const (
	// ConnectionLog records authentication attempts, connections and
	// disconnections.
	ConnectionLog Log = "connectionlog"
	// UserLog records changes to database user definitions.
	UserLog Log = "userlog"
	// UserActivityLog records each query before it runs (it also needs
	// the parameter enable_user_activity_logging=true in the cluster's
	// parameter group).
	UserActivityLog Log = "useractivitylog"
)

// AllLogs is every audit log.
var AllLogs = []Log{ConnectionLog, UserLog, UserActivityLog}

// clusterID is Redshift's cluster identifier rule: lowercase letters,
// digits and hyphens, starting with a letter, 1 to 63 characters, no two
// hyphens in a row and none at the end.
var clusterID = regexp.MustCompile(`^[a-z]([a-z0-9]|-[a-z0-9])*$`)

func check(cluster string, logs []Log) error {
	if len(cluster) > 63 || !clusterID.MatchString(cluster) {
		return &logging.InvalidError{Input: "redshift cluster", Field: "cluster", Reason: fmt.Sprintf("%q is not a cluster identifier (lowercase letters, digits, single hyphens, 1 to 63)", cluster)}
	}
	for _, l := range logs {
		if !slices.Contains(AllLogs, l) {
			return &logging.InvalidError{Input: "redshift cluster", Field: "logs", Reason: fmt.Sprintf("%q; want connectionlog, userlog or useractivitylog", l)}
		}
	}
	return nil
}

// LogGroup is the CloudWatch log group Redshift writes log to for cluster.
func LogGroup(cluster string, log Log) string {
	return "/aws/redshift/cluster/" + cluster + "/" + string(log)
}

// Follow returns the cloudwatch.Follow entries for cluster's logs (all of
// them when logs is empty), for cloudwatch.SourceOptions.Follow.
func Follow(cluster string, logs ...Log) ([]cloudwatch.Follow, error) {
	if len(logs) == 0 {
		logs = AllLogs
	}
	if err := check(cluster, logs); err != nil {
		return nil, err
	}
	out := make([]cloudwatch.Follow, len(logs))
	for i, l := range logs {
		out[i] = cloudwatch.Follow{Group: LogGroup(cluster, l)}
	}
	return out, nil
}

// EnableCloudWatch turns on audit logging of cluster to CloudWatch Logs
// for logs (all of them when empty) and checks that Redshift reports the
// same settings back.
func EnableCloudWatch(ctx context.Context, api API, cluster string, logs ...Log) error {
	if len(logs) == 0 {
		logs = AllLogs
	}
	if err := check(cluster, logs); err != nil {
		return err
	}
	exports := make([]string, len(logs))
	for i, l := range logs {
		exports[i] = string(l)
	}
	_, err := api.EnableLogging(ctx, &rs.EnableLoggingInput{ClusterIdentifier: aws.String(cluster),
		LogDestinationType: types.LogDestinationTypeCloudwatch, LogExports: exports})
	if err != nil {
		return fmt.Errorf("redshift: enable logging of cluster %s: %w", cluster, err)
	}
	st, err := api.DescribeLoggingStatus(ctx, &rs.DescribeLoggingStatusInput{ClusterIdentifier: aws.String(cluster)})
	if err != nil {
		return fmt.Errorf("redshift: logging status of cluster %s: %w", cluster, err)
	}
	if !aws.ToBool(st.LoggingEnabled) || st.LogDestinationType != types.LogDestinationTypeCloudwatch {
		return fmt.Errorf("redshift: cluster %s: logging enabled %v to %q after EnableLogging; want enabled to cloudwatch",
			cluster, aws.ToBool(st.LoggingEnabled), st.LogDestinationType)
	}
	for _, e := range exports {
		if !slices.Contains(st.LogExports, e) {
			return fmt.Errorf("redshift: cluster %s exports %v after EnableLogging; want %s among them", cluster, st.LogExports, e)
		}
	}
	return nil
}
