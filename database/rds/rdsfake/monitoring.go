package rdsfake

import (
	"crypto/sha256"
	"encoding/base32"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"
)

// checkMonitoring refuses what RDS refuses: an interval RDS does not
// offer, or one without the role RDS publishes the metrics with.
func checkMonitoring(interval *int32, role *string) error {
	switch n := aws.ToInt32(interval); {
	case n != 0 && n != 1 && n != 5 && n != 10 && n != 15 && n != 30 && n != 60:
		return invalid(fmt.Sprintf("Invalid MonitoringInterval %d: valid values are 0, 1, 5, 10, 15, 30 and 60", n))
	case n > 0 && aws.ToString(role) == "":
		return combination("A MonitoringRoleARN value is required if you specify a MonitoringInterval value other than 0.")
	}
	return nil
}

// setMonitoringARN sets the CloudWatch Logs stream RDS publishes Enhanced
// Monitoring metrics to, or clears it when monitoring is off.
func setMonitoringARN(db *types.DBInstance, region string) {
	if aws.ToInt32(db.MonitoringInterval) == 0 {
		db.EnhancedMonitoringResourceArn = nil
		return
	}
	db.EnhancedMonitoringResourceArn = aws.String(fmt.Sprintf("arn:aws:logs:%s:%s:log-group:RDSOSMetrics:log-stream:%s", region, Account, aws.ToString(db.DbiResourceId)))
}

// resourceID is a stable DbiResourceId in RDS's shape ("db-" and 26
// base32 characters).
func resourceID(region, id string) string {
	sum := sha256.Sum256([]byte(region + "/" + id))
	return "db-" + base32.StdEncoding.EncodeToString(sum[:])[:26]
}
