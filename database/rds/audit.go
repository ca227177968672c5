package rds

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/opskit-dev/opskit/internal/audit"
)

// AuditAPI is what Audit needs.
type AuditAPI interface {
	rds.DescribeDBInstancesAPIClient
	rds.DescribeDBParametersAPIClient
}

type target struct {
	inst      types.DBInstance
	params    map[string]string // parameters set in its parameter group
	paramsErr error             // why the group could not be read
}

// Audit runs Prowler's RDS instance checks against every PostgreSQL
// instance api can see and returns one finding per check and instance.
func Audit(ctx context.Context, api AuditAPI) ([]Finding, error) {
	var out []Finding
	groups := map[string]map[string]string{}
	groupErrs := map[string]error{}
	pager := rds.NewDescribeDBInstancesPaginator(api, &rds.DescribeDBInstancesInput{})
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("rds: audit: %w", err)
		}
		for _, inst := range page.DBInstances {
			if e := aws.ToString(inst.Engine); e != "postgres" && e != "aurora-postgresql" {
				continue
			}
			t := target{inst: inst, params: map[string]string{}}
			for _, g := range inst.DBParameterGroups {
				name := aws.ToString(g.DBParameterGroupName)
				if _, ok := groups[name]; !ok {
					groups[name], groupErrs[name] = Parameters(ctx, api, name)
				}
				t.params, t.paramsErr = groups[name], groupErrs[name]
			}
			out = append(out, audit.Run(ctx, t, checkers...)...)
		}
	}
	return out, nil
}

// Checks lists the RDS checks.
func Checks() []Check {
	out := make([]Check, len(checkers))
	for i, c := range checkers {
		out[i] = c.Check
	}
	return out
}

func resource(i types.DBInstance) string {
	if a := aws.ToString(i.DBInstanceArn); a != "" {
		return a
	}
	return aws.ToString(i.DBInstanceIdentifier)
}

// groupOf names the parameter group an instance is judged by.
func groupOf(i types.DBInstance) string {
	name := ""
	for _, g := range i.DBParameterGroups {
		name = aws.ToString(g.DBParameterGroupName)
	}
	return name
}

func rule(id, prowler, title string, sev audit.Severity, rem audit.Remediation, fail func(t target) (string, bool)) audit.Checker[target] {
	c := Check{ID: "database.rds." + id, Title: title, Severity: sev, Remediation: rem, References: []string{"prowler " + prowler}, Tags: []string{"aws", "rds"}}
	return audit.Checker[target]{Check: c, Func: func(_ context.Context, t target) ([]Finding, error) {
		if id == "transport_encrypted" && t.paramsErr != nil {
			// Unknown is not a failure: the check could not decide.
			return []Finding{c.Errored(resource(t.inst), t.paramsErr)}, nil
		}
		if why, bad := fail(t); bad {
			return []Finding{c.Fail(resource(t.inst), why)}, nil
		}
		return []Finding{c.Pass(resource(t.inst))}, nil
	}}
}

func modify(flag string) string {
	return "aws rds modify-db-instance --db-instance-identifier <id> " + flag + " --apply-immediately"
}

var checkers = []audit.Checker[target]{
	rule("no_public_access", "rds_instance_no_public_access", "RDS instance is publicly accessible", audit.SeverityCritical,
		audit.Remediation{Text: "Make the instance private and reach it through the VPC (InstanceSpec.PubliclyAccessible false, the default).", Command: modify("--no-publicly-accessible")},
		func(t target) (string, bool) {
			return "PubliclyAccessible = true", aws.ToBool(t.inst.PubliclyAccessible)
		}),
	rule("storage_encrypted", "rds_instance_storage_encrypted", "RDS instance storage is not encrypted", audit.SeverityHigh,
		audit.Remediation{Text: "Snapshot, copy the snapshot with a KMS key, restore from the encrypted copy and switch over (InstanceSpec encrypts unless Unencrypted is set).", Command: "aws rds copy-db-snapshot --kms-key-id <key> ..."},
		func(t target) (string, bool) { return "StorageEncrypted = false", !aws.ToBool(t.inst.StorageEncrypted) }),
	rule("transport_encrypted", "rds_instance_transport_encrypted", "RDS instance accepts connections without TLS", audit.SeverityHigh,
		audit.Remediation{Text: "Set rds.force_ssl = 1 in the instance's parameter group (InstanceSpec.ParameterGroup; HardeningParameterGroup sets it).", Command: "aws rds modify-db-parameter-group --db-parameter-group-name <group> --parameters ParameterName=rds.force_ssl,ParameterValue=1,ApplyMethod=immediate"},
		func(t target) (string, bool) {
			return fmt.Sprintf("rds.force_ssl = %q in parameter group %s", t.params["rds.force_ssl"], groupOf(t.inst)), t.params["rds.force_ssl"] != "1"
		}),
	rule("multi_az", "rds_instance_multi_az", "RDS instance is not Multi-AZ", audit.SeverityMedium,
		audit.Remediation{Text: "Run a standby in a second zone (InstanceSpec.MultiAZ).", Command: modify("--multi-az")},
		func(t target) (string, bool) { return "MultiAZ = false", !aws.ToBool(t.inst.MultiAZ) }),
	rule("backup_enabled", "rds_instance_backup_enabled", "RDS instance has no automated backups", audit.SeverityMedium,
		audit.Remediation{Text: "Keep automated backups for a week or more (InstanceSpec.BackupRetentionDays).", Command: modify("--backup-retention-period 7")},
		func(t target) (string, bool) {
			return "BackupRetentionPeriod = 0", aws.ToInt32(t.inst.BackupRetentionPeriod) == 0
		}),
	rule("deletion_protection", "rds_instance_deletion_protection", "RDS instance has no deletion protection", audit.SeverityMedium,
		audit.Remediation{Text: "Turn deletion protection on (InstanceSpec.DeletionProtection).", Command: modify("--deletion-protection")},
		func(t target) (string, bool) {
			return "DeletionProtection = false", !aws.ToBool(t.inst.DeletionProtection)
		}),
	rule("minor_version_upgrade_enabled", "rds_instance_minor_version_upgrade_enabled", "RDS instance does not take minor version upgrades", audit.SeverityMedium,
		audit.Remediation{Text: "Take minor version upgrades in the maintenance window (the Provisioner always turns AutoMinorVersionUpgrade on).", Command: modify("--auto-minor-version-upgrade")},
		func(t target) (string, bool) {
			return "AutoMinorVersionUpgrade = false", !aws.ToBool(t.inst.AutoMinorVersionUpgrade)
		}),
	rule("iam_authentication_enabled", "rds_instance_iam_authentication_enabled", "RDS instance has IAM database authentication off", audit.SeverityMedium,
		audit.Remediation{Text: "Let services log in with IAM tokens instead of stored passwords (InstanceSpec.IAMAuth).", Command: modify("--enable-iam-database-authentication")},
		func(t target) (string, bool) {
			return "IAMDatabaseAuthenticationEnabled = false", !aws.ToBool(t.inst.IAMDatabaseAuthenticationEnabled)
		}),
	rule("integration_cloudwatch_logs", "rds_instance_integration_cloudwatch_logs", "RDS instance does not export logs to CloudWatch", audit.SeverityMedium,
		audit.Remediation{Text: "Export the postgresql log to CloudWatch Logs (InstanceSpec.LogExports).", Command: modify(`--cloudwatch-logs-export-configuration '{"EnableLogTypes":["postgresql","upgrade"]}'`)},
		func(t target) (string, bool) {
			return "EnabledCloudwatchLogsExports is empty", !slices.Contains(t.inst.EnabledCloudwatchLogsExports, "postgresql")
		}),
	rule("enhanced_monitoring_enabled", "rds_instance_enhanced_monitoring_enabled", "RDS instance has no enhanced monitoring", audit.SeverityLow,
		audit.Remediation{Text: "Turn Enhanced Monitoring on with a role RDS publishes the metrics with (InstanceSpec.MonitoringInterval and MonitoringRoleArn).", Command: modify("--monitoring-interval 60 --monitoring-role-arn <role>")},
		func(t target) (string, bool) {
			return "MonitoringInterval = 0 and no EnhancedMonitoringResourceArn", aws.ToString(t.inst.EnhancedMonitoringResourceArn) == "" && aws.ToInt32(t.inst.MonitoringInterval) == 0
		}),
	rule("default_admin", "rds_instance_default_admin", "RDS instance uses a default master user name", audit.SeverityMedium,
		audit.Remediation{Text: "Create the instance with a non-default master user name (it cannot be renamed); restore a snapshot into a new instance (InstanceSpec.MasterUsername; Validate refuses postgres and admin).", Command: "aws rds restore-db-instance-from-db-snapshot --db-instance-identifier <new-id> --db-snapshot-identifier <snapshot> # then create a new master role and switch over"},
		func(t target) (string, bool) {
			u := aws.ToString(t.inst.MasterUsername)
			return "MasterUsername = " + u, u == "postgres" || u == "admin"
		}),
	rule("copy_tags_to_snapshots", "rds_instance_copy_tags_to_snapshots", "RDS instance does not copy tags to snapshots", audit.SeverityLow,
		audit.Remediation{Text: "Copy the instance's tags to its snapshots (the Provisioner always sets CopyTagsToSnapshot).", Command: modify("--copy-tags-to-snapshot")},
		func(t target) (string, bool) {
			return "CopyTagsToSnapshot = false", !aws.ToBool(t.inst.CopyTagsToSnapshot)
		}),
	rule("non_default_port", "rds_instance_non_default_port", "RDS instance listens on the default PostgreSQL port", audit.SeverityLow,
		audit.Remediation{Text: "Move the instance off 5432 (InstanceSpec.Port); RDS restarts it, and clients need the new port.", Command: modify("--db-port-number 5433")},
		func(t target) (string, bool) {
			port := instancePort(&t.inst)
			return fmt.Sprintf("port %d", port), port == 5432
		}),
}
