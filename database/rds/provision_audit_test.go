package rds_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	awsrds "github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/opskit-dev/opskit/database/rds"
	"github.com/opskit-dev/opskit/database/rds/rdsfake"
	"github.com/opskit-dev/opskit/database/rds/rdstest"
	"github.com/opskit-dev/opskit/internal/testenv"
)

// specFixes is how a failing RDS check is fixed in an InstanceSpec: the
// field its remediation names, and the change. Every check the audit can
// fail on a provisioned instance must be here, or the Provisioner cannot
// satisfy its own audit.
var specFixes = map[string]struct {
	field string
	fix   func(*rds.InstanceSpec)
}{
	"database.rds.multi_az":                      {"InstanceSpec.MultiAZ", func(s *rds.InstanceSpec) { s.MultiAZ = true }},
	"database.rds.deletion_protection":           {"InstanceSpec.DeletionProtection", func(s *rds.InstanceSpec) { s.DeletionProtection = true }},
	"database.rds.iam_authentication_enabled":    {"InstanceSpec.IAMAuth", func(s *rds.InstanceSpec) { s.IAMAuth = true }},
	"database.rds.integration_cloudwatch_logs":   {"InstanceSpec.LogExports", func(s *rds.InstanceSpec) { s.LogExports = []string{"postgresql", "upgrade"} }},
	"database.rds.backup_enabled":                {"InstanceSpec.BackupRetentionDays", func(s *rds.InstanceSpec) { s.BackupRetentionDays = 7 }},
	"database.rds.non_default_port":              {"InstanceSpec.Port", func(s *rds.InstanceSpec) { s.Port = 5433 }},
	"database.rds.no_public_access":              {"InstanceSpec.PubliclyAccessible", func(s *rds.InstanceSpec) { s.PubliclyAccessible = false }},
	"database.rds.transport_encrypted":           {"InstanceSpec.ParameterGroup", func(s *rds.InstanceSpec) { s.ParameterGroup = nil }},
	"database.rds.storage_encrypted":             {"InstanceSpec encrypts", func(s *rds.InstanceSpec) { s.Unencrypted = false }},
	"database.rds.default_admin":                 {"InstanceSpec.MasterUsername", func(s *rds.InstanceSpec) { s.MasterUsername = "opsadmin" }},
	"database.rds.minor_version_upgrade_enabled": {"AutoMinorVersionUpgrade", func(*rds.InstanceSpec) {}},
	"database.rds.copy_tags_to_snapshots":        {"CopyTagsToSnapshot", func(*rds.InstanceSpec) {}},
	"database.rds.enhanced_monitoring_enabled": {"InstanceSpec.MonitoringInterval", func(s *rds.InstanceSpec) {
		s.MonitoringInterval, s.MonitoringRoleArn = 60, rdstest.MonitoringRole
	}},
}

// TestProvisionPassesAudit provisions the least spec Validate accepts,
// audits it, builds a spec from the failing checks' remediations (each
// names the InstanceSpec field that fixes it), applies that spec as a new
// instance and audits again: every check passes. A new instance, since
// some fixes (encryption, the master user name) exist only at create, and
// moto 5 ignores DBPortNumber on modify. Run on the fake and on moto.
func TestProvisionPassesAudit(t *testing.T) {
	for _, c := range rds.Checks() {
		fix, ok := specFixes[c.ID]
		if !ok {
			t.Errorf("no InstanceSpec fix for %s: the Provisioner cannot satisfy it", c.ID)
			continue
		}
		if !strings.Contains(c.Remediation.Text, fix.field) {
			t.Errorf("%s: remediation %q does not name %s", c.ID, c.Remediation.Text, fix.field)
		}
	}
	t.Run("fake", func(t *testing.T) {
		provisionPassesAudit(t, rdsfake.NewWorld().Region("us-east-1"), time.Millisecond)
	})
	t.Run("moto", func(t *testing.T) {
		provisionPassesAudit(t, awsrds.NewFromConfig(testenv.PrivateMoto(t)), 100*time.Millisecond)
	})
}

func provisionPassesAudit(t *testing.T, api rds.API, poll time.Duration) {
	ctx := context.Background()
	p := rds.NewProvisioner(api, rds.ProvisionerOptions{PollInterval: poll})
	least := rds.InstanceSpec{Identifier: "opskit-least", Class: "db.t3.micro", EngineVersion: "15.7", AllocatedStorage: 20,
		BackupRetentionDays: 1, MasterUsername: "opsadmin", MasterPassword: "opskit-test-password"}
	apply(t, p, least)
	failing := auditStatus(t, api, least.Identifier, rds.StatusFail)
	t.Logf("least spec fails %d checks: %v", len(failing), failing)
	for _, want := range []string{"database.rds.enhanced_monitoring_enabled", "database.rds.non_default_port", "database.rds.multi_az"} {
		if !slices.Contains(failing, want) {
			t.Errorf("least spec: %s does not fail; the test proves nothing for it", want)
		}
	}

	fixed := least
	fixed.Identifier = "opskit-fixed"
	for _, id := range failing {
		specFixes[id].fix(&fixed)
	}
	apply(t, p, fixed)
	// Converge: moto 5 keeps MonitoringInterval only from a modify.
	for range 2 {
		plan, err := p.Plan(ctx, fixed)
		if err != nil {
			t.Fatal(err)
		}
		if plan.Empty() {
			break
		}
		if _, err := p.Apply(ctx, fixed); err != nil {
			t.Fatal(err)
		}
	}
	if plan, err := p.Plan(ctx, fixed); err != nil || !plan.Empty() {
		t.Fatalf("remediated spec did not converge: %+v, %v", plan, err)
	}
	if still := auditStatus(t, api, fixed.Identifier, rds.StatusFail); len(still) > 0 {
		t.Errorf("the spec built from the remediations still fails %v", still)
	}
	if passed := auditStatus(t, api, fixed.Identifier, rds.StatusPass); len(passed) != len(rds.Checks()) {
		t.Errorf("remediated instance passes %d of %d checks: %v", len(passed), len(rds.Checks()), passed)
	}
}

func apply(t *testing.T, p *rds.Provisioner, spec rds.InstanceSpec) {
	t.Helper()
	ctx := context.Background()
	if _, err := p.Apply(ctx, spec); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Delete(context.Background(), spec.Identifier); err != nil {
			t.Logf("cleanup: %v", err)
		}
	})
	if err := p.WaitAvailable(ctx, spec.Identifier, 30*time.Second); err != nil {
		t.Fatal(err)
	}
}

// auditStatus returns the IDs of the checks with status want on instance id.
func auditStatus(t *testing.T, api rds.AuditAPI, id string, want rds.Status) []string {
	t.Helper()
	findings, err := rds.Audit(context.Background(), api)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range findings {
		if strings.HasSuffix(f.Resource, ":"+id) || f.Resource == id {
			if f.Status == want {
				out = append(out, f.CheckID)
			}
		}
	}
	slices.Sort(out)
	return out
}

// TestPortAndMonitoringInPlace: a port or monitoring change on a live
// instance is planned and applied in place (on the fake; moto 5 ignores
// DBPortNumber), and monitoring can be turned off again.
func TestPortAndMonitoringInPlace(t *testing.T) {
	ctx := context.Background()
	p := rds.NewProvisioner(rdsfake.NewWorld().Region("us-east-1"), rds.ProvisionerOptions{PollInterval: time.Millisecond})
	spec := rds.InstanceSpec{Identifier: "opskit-port", Class: "db.t3.micro", EngineVersion: "15.7", AllocatedStorage: 20,
		BackupRetentionDays: 1, MasterUsername: "opsadmin", MasterPassword: "opskit-test-password"}
	apply(t, p, spec)
	spec.Port, spec.MonitoringInterval, spec.MonitoringRoleArn = 6432, 30, rdstest.MonitoringRole
	plan, err := p.Apply(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	var fields []string
	for _, c := range plan.Changes {
		fields = append(fields, c.Field)
	}
	slices.Sort(fields)
	if strings.Join(fields, ",") != "MonitoringInterval,MonitoringRoleArn,Port" {
		t.Errorf("plan: %v", plan.Changes)
	}
	db, err := p.Describe(ctx, spec.Identifier)
	if err != nil {
		t.Fatal(err)
	}
	if *db.Endpoint.Port != 6432 || *db.MonitoringInterval != 30 || db.EnhancedMonitoringResourceArn == nil {
		t.Errorf("after apply: port %d, interval %d, monitoring ARN %v", *db.Endpoint.Port, *db.MonitoringInterval, db.EnhancedMonitoringResourceArn)
	}
	spec.MonitoringInterval, spec.MonitoringRoleArn = 0, ""
	if _, err := p.Apply(ctx, spec); err != nil {
		t.Fatal(err)
	}
	if plan, err := p.Plan(ctx, spec); err != nil || !plan.Empty() {
		t.Errorf("after turning monitoring off: %+v, %v", plan, err)
	}
}

// deniedParameters is an RDS that refuses to list a group's parameters,
// as an account without rds:DescribeDBParameters does.
type deniedParameters struct{ *rdsfake.RDS }

func (deniedParameters) DescribeDBParameters(context.Context, *awsrds.DescribeDBParametersInput, ...func(*awsrds.Options)) (*awsrds.DescribeDBParametersOutput, error) {
	return nil, errors.New("AccessDenied: not authorized to perform rds:DescribeDBParameters")
}

// TestAuditUnreadableGroup: a parameter group the auditor cannot read
// makes transport_encrypted an error (undecided), never a failure or a
// pass; the other checks still decide.
func TestAuditUnreadableGroup(t *testing.T) {
	region := rdsfake.NewWorld().Region("us-east-1")
	p := rds.NewProvisioner(region, rds.ProvisionerOptions{PollInterval: time.Millisecond})
	apply(t, p, rds.InstanceSpec{Identifier: "opskit-denied", Class: "db.t3.micro", EngineVersion: "15.7", AllocatedStorage: 20,
		BackupRetentionDays: 1, MasterUsername: "opsadmin", MasterPassword: "opskit-test-password"})
	findings, err := rds.Audit(context.Background(), deniedParameters{region})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		want := rds.StatusPass
		if f.CheckID == "database.rds.transport_encrypted" {
			want = rds.StatusError
		}
		if f.Status != want && (want == rds.StatusError || f.Status == rds.StatusError) {
			t.Errorf("%s = %v (%s), want %v", f.CheckID, f.Status, f.Error, want)
		}
	}
}

// TestReplicaPortAndMonitoringValidated: a replica's port and monitoring
// are checked like an instance's, before any call to RDS.
func TestReplicaPortAndMonitoringValidated(t *testing.T) {
	region := rdsfake.NewWorld().Region("us-east-1")
	p := rds.NewProvisioner(region, rds.ProvisionerOptions{})
	for field, rs := range map[string]rds.ReplicaSpec{
		"Port":               {Identifier: "rep", Source: "src", Port: 80},
		"MonitoringInterval": {Identifier: "rep", Source: "src", MonitoringInterval: 2, MonitoringRoleArn: rdstest.MonitoringRole},
		"MonitoringRoleArn":  {Identifier: "rep", Source: "src", MonitoringInterval: 60},
	} {
		var ie *rds.InvalidError
		if err := p.CreateReplica(context.Background(), rs); !errors.As(err, &ie) || ie.Field != field {
			t.Errorf("%s: %v, want an InvalidError for it", field, err)
		}
	}
}
