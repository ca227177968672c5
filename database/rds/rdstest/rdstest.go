// Package rdstest is the conformance suite for implementations of the rds
// package's API: run it against a fake, an emulator or (with care and
// unique names) real AWS to show that provisioning, convergence, drift,
// replicas, deletion protection and the audit behave the same. Run it
// from a test with your own Harness:
//
//	func TestConformance(t *testing.T) {
//		rdstest.Run(t, func(t *testing.T) rdstest.Harness { return myHarness{} })
//	}
package rdstest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsrds "github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/opskit-dev/opskit/database/rds"
	"github.com/opskit-dev/opskit/internal/audit"
)

// Harness supplies the implementation under test.
type Harness interface {
	// API returns the RDS API of a region.
	API(t *testing.T, region string) rds.API
	// Regions returns the primary and the replica region, which must
	// differ (cross-region replica).
	Regions() (primary, replica string)
	// Timing returns the waiter's poll interval (short for fakes and
	// emulators) and the bound on every wait (2 minutes when zero).
	Timing() (poll, maxWait time.Duration)
}

// Strictness is an optional Harness upgrade. An implementation whose
// Strict returns true refuses, as RDS does, what some emulators accept: a
// parameter group whose family does not match the engine version, a
// storage shrink, a storage change without the IOPS on an instance with
// provisioned IOPS, a major version upgrade without
// AllowMajorVersionUpgrade, and deleting a protected instance (moto 5
// accepts some of these). The suite then checks the API itself refuses
// them with RDS's own error. Without it, only what holds on both is
// checked: the Provisioner never sends them. Fakes that model RDS and
// real AWS are strict.
type Strictness interface {
	Strict() bool
}

// HarnessMaker returns a harness for one test case.
type HarnessMaker func(t *testing.T) Harness

// env is one case's view of its harness.
type env struct {
	API                          func(t *testing.T, region string) rds.API
	PrimaryRegion, ReplicaRegion string
	PollInterval, MaxWait        time.Duration
	Strict                       bool
}

func newEnv(h Harness) env {
	e := env{API: h.API}
	e.PrimaryRegion, e.ReplicaRegion = h.Regions()
	e.PollInterval, e.MaxWait = h.Timing()
	if e.MaxWait == 0 {
		e.MaxWait = 2 * time.Minute
	}
	if s, ok := h.(Strictness); ok {
		e.Strict = s.Strict()
	}
	return e
}

// Run runs every conformance case as a subtest of t, each with a fresh
// harness.
func Run(t *testing.T, newHarness HarnessMaker) {
	tests := []struct {
		name string
		fn   func(*testing.T, env)
	}{
		{"ProvisionFromSpec", testProvision},
		{"InvalidSpecCreatesNothing", testInvalidSpec},
		{"NotFoundFault", testNotFound},
		{"CrossRegionReplica", testReplica},
		{"ReplicaOfReplica", testReplicaOfReplica},
		{"AuditFindings", testAudit},
		{"ParameterGroupFamilyFromEngineVersion", testFamily},
		{"ParameterGroupDrift", testParameterDrift},
		{"StorageNeverShrinks", testShrink},
		{"MajorVersionUpgrade", testMajorUpgrade},
		{"ModifyInPlaceVersusReplace", testInPlace},
		{"DeletionProtectionHonoured", testDeletionProtection},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newEnv(newHarness(t))) })
	}
}

func unique(prefix string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return prefix + "-" + hex.EncodeToString(b)
}

// Spec returns a hardened spec with a unique identifier.
func Spec(prefix string) rds.InstanceSpec {
	return rds.InstanceSpec{
		Identifier: unique(prefix), Class: "db.m6g.large", EngineVersion: "15.7",
		AllocatedStorage: 400, StorageType: "gp3", IOPS: 12000, Throughput: 500,
		MultiAZ: true, BackupRetentionDays: 7, DeletionProtection: true, IAMAuth: true,
		LogExports: []string{"postgresql", "upgrade"}, MasterUsername: "opsadmin", MasterPassword: "opskit-test-password",
		Tags: map[string]string{"owner": "opskit-conformance"},
	}
}

func provision(t *testing.T, h env, spec rds.InstanceSpec) (*rds.Provisioner, rds.API) {
	t.Helper()
	api := h.API(t, h.PrimaryRegion)
	p := rds.NewProvisioner(api, rds.ProvisionerOptions{PollInterval: h.PollInterval})
	ctx := context.Background()
	deleteGroupLater(t, api, defaultGroup(t, spec))
	plan, err := p.Apply(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Delete(context.Background(), spec.Identifier); err != nil {
			t.Logf("cleanup: %v", err)
		}
	})
	if !plan.CreateInstance {
		t.Fatalf("first apply of a new spec: %+v, want a create", plan)
	}
	if err := p.WaitAvailable(ctx, spec.Identifier, h.MaxWait); err != nil {
		t.Fatal(err)
	}
	return p, api
}

func testProvision(t *testing.T, h env) {
	ctx := context.Background()
	spec := Spec("opskit-prov")
	p, api := provision(t, h, spec)
	db, err := p.Describe(ctx, spec.Identifier)
	if err != nil {
		t.Fatal(err)
	}
	check := func(field string, got, want any) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %v, want %v", field, got, want)
		}
	}
	check("DBInstanceStatus", aws.ToString(db.DBInstanceStatus), "available")
	check("MultiAZ", aws.ToBool(db.MultiAZ), true)
	check("StorageEncrypted", aws.ToBool(db.StorageEncrypted), true)
	check("StorageType", aws.ToString(db.StorageType), "gp3")
	check("Iops", aws.ToInt32(db.Iops), int32(12000))
	check("BackupRetentionPeriod", aws.ToInt32(db.BackupRetentionPeriod), int32(7))
	check("DeletionProtection", aws.ToBool(db.DeletionProtection), true)
	check("IAMDatabaseAuthenticationEnabled", aws.ToBool(db.IAMDatabaseAuthenticationEnabled), true)
	check("MasterUsername", aws.ToString(db.MasterUsername), "opsadmin")
	logs := slices.Clone(db.EnabledCloudwatchLogsExports)
	slices.Sort(logs)
	check("EnabledCloudwatchLogsExports", strings.Join(logs, ","), "postgresql,upgrade")
	pg := defaultGroup(t, spec)
	check("DBParameterGroupName", aws.ToString(db.DBParameterGroups[0].DBParameterGroupName), pg)
	params, err := rds.Parameters(ctx, api, pg)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range rds.HardeningParameterGroup(pg, "postgres15").Parameters {
		check("parameter "+k, params[k], v)
	}

	// Idempotent: the same spec changes nothing.
	plan, err := p.Apply(ctx, spec)
	if err != nil || !plan.Empty() {
		t.Fatalf("second apply: %+v err %v; want no changes", plan, err)
	}
	// A changed spec reports exactly what it would modify, then converges.
	changed := spec
	changed.BackupRetentionDays = 14
	changed.Class = "db.m6g.xlarge"
	changed.IAMAuth = false
	plan, err = p.Plan(ctx, changed)
	if err != nil {
		t.Fatal(err)
	}
	var fields []string
	for _, c := range plan.Changes {
		fields = append(fields, c.Field)
	}
	slices.Sort(fields)
	if strings.Join(fields, ",") != "BackupRetentionPeriod,DBInstanceClass,IAMDatabaseAuthenticationEnabled" {
		t.Fatalf("plan for a changed spec: %v", plan.Changes)
	}
	if _, err := p.Apply(ctx, changed); err != nil {
		t.Fatal(err)
	}
	if err := p.WaitAvailable(ctx, spec.Identifier, h.MaxWait); err != nil {
		t.Fatal(err)
	}
	if plan, err := p.Plan(ctx, changed); err != nil || !plan.Empty() {
		t.Fatalf("after converging: %+v err %v", plan, err)
	}
	// Encryption cannot change in place: reported, never applied.
	plain := changed
	plain.Unencrypted = true
	plan, err = p.Apply(ctx, plain)
	if err != nil || len(plan.Changes) != 1 || !plan.Changes[0].Immutable || plan.Changes[0].Field != "StorageEncrypted" {
		t.Fatalf("apply with encryption off: %+v err %v; want one immutable change", plan, err)
	}
	if db, _ := p.Describe(ctx, spec.Identifier); !aws.ToBool(db.StorageEncrypted) {
		t.Fatal("encryption was turned off in place")
	}
}

func testInvalidSpec(t *testing.T, h env) {
	api := h.API(t, h.PrimaryRegion)
	p := rds.NewProvisioner(api, rds.ProvisionerOptions{})
	ctx := context.Background()
	cases := map[string]func(*rds.InstanceSpec){
		"IOPS": func(s *rds.InstanceSpec) {
			s.StorageType, s.AllocatedStorage, s.IOPS, s.Throughput = "io1", 200, 20000, 0
		},
		"Throughput": func(s *rds.InstanceSpec) { s.Throughput = 4000 },
		"AllocatedStorage": func(s *rds.InstanceSpec) {
			s.StorageType, s.AllocatedStorage, s.IOPS, s.Throughput = "io2", 50, 1000, 0
		},
		"BackupRetentionDays": func(s *rds.InstanceSpec) { s.BackupRetentionDays = 0 },
		"MasterUsername":      func(s *rds.InstanceSpec) { s.MasterUsername = "postgres" },
		"StorageType":         func(s *rds.InstanceSpec) { s.StorageType = "standard" },
	}
	for field, mutate := range cases {
		spec := Spec("opskit-bad")
		mutate(&spec)
		_, err := p.Apply(ctx, spec)
		var se *rds.InvalidError
		if !errors.As(err, &se) || se.Field != field || !errors.Is(err, rds.ErrInvalid) {
			t.Errorf("%s: err %v, want an InvalidError for %s", field, err, field)
			continue
		}
		if _, err := p.Describe(ctx, spec.Identifier); !errors.As(err, new(*types.DBInstanceNotFoundFault)) {
			t.Errorf("%s: instance exists after a rejected spec (%v)", field, err)
		}
		out, err := api.DescribeDBParameterGroups(ctx, &awsrds.DescribeDBParameterGroupsInput{DBParameterGroupName: aws.String(defaultGroup(t, spec))})
		// RDS answers DBParameterGroupNotFound; moto an empty list.
		if !errors.As(err, new(*types.DBParameterGroupNotFoundFault)) && (err != nil || len(out.DBParameterGroups) != 0) {
			t.Errorf("%s: parameter group exists after a rejected spec (%v)", field, err)
		}
	}
}

func testNotFound(t *testing.T, h env) {
	p := rds.NewProvisioner(h.API(t, h.PrimaryRegion), rds.ProvisionerOptions{})
	_, err := p.Describe(context.Background(), unique("opskit-missing"))
	if !errors.As(err, new(*types.DBInstanceNotFoundFault)) {
		t.Fatalf("describe of a missing instance: %v, want DBInstanceNotFoundFault", err)
	}
}

func testReplica(t *testing.T, h env) {
	ctx := context.Background()
	spec := Spec("opskit-src")
	spec.Port = 5433
	_, _ = provision(t, h, spec)
	src, err := rds.NewProvisioner(h.API(t, h.PrimaryRegion), rds.ProvisionerOptions{}).Describe(ctx, spec.Identifier)
	if err != nil {
		t.Fatal(err)
	}
	rapi := h.API(t, h.ReplicaRegion)
	rp := rds.NewProvisioner(rapi, rds.ProvisionerOptions{PollInterval: h.PollInterval})
	rs := rds.ReplicaSpec{Identifier: unique("opskit-rep"), Source: aws.ToString(src.DBInstanceArn), SourceRegion: h.PrimaryRegion,
		Class: "db.m6g.large", IAMAuth: true, LogExports: []string{"postgresql"}, KMSKeyID: "alias/aws/rds"}
	// Parameter groups are regional: the replica gets its own.
	rs.ParameterGroup = rds.HardeningParameterGroup(rs.Identifier+"-hardened", "postgres15")
	deleteGroupLater(t, rapi, rs.ParameterGroup.Name)
	if err := rp.CreateReplica(ctx, rs); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rp.Delete(context.Background(), rs.Identifier) })
	if err := rp.CreateReplica(ctx, rs); err != nil {
		t.Fatalf("second CreateReplica (idempotent): %v", err)
	}
	if err := rp.WaitAvailable(ctx, rs.Identifier, h.MaxWait); err != nil {
		t.Fatal(err)
	}
	rep, err := rp.Describe(ctx, rs.Identifier)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(aws.ToString(rep.ReadReplicaSourceDBInstanceIdentifier), spec.Identifier) {
		t.Fatalf("replica source = %q, want %s", aws.ToString(rep.ReadReplicaSourceDBInstanceIdentifier), spec.Identifier)
	}
	if !strings.Contains(aws.ToString(rep.DBInstanceArn), ":"+h.ReplicaRegion+":") {
		t.Fatalf("replica ARN %s is not in %s", aws.ToString(rep.DBInstanceArn), h.ReplicaRegion)
	}
	// A replica without a Port inherits the source's, as RDS documents.
	if rep.Endpoint == nil || aws.ToInt32(rep.Endpoint.Port) != spec.Port {
		t.Errorf("replica endpoint %+v, want the source's port %d", rep.Endpoint, spec.Port)
	}
}

// MonitoringRole is the Enhanced Monitoring role ARN the suite's specs
// use; emulators do not check that it exists.
const MonitoringRole = "arn:aws:iam::123456789012:role/rds-monitoring-role"

// testAudit proves every RDS check both ways: each passes on an instance
// provisioned from a hardened spec and fails on a weak one made straight
// through the API.
func testAudit(t *testing.T, h env) {
	ctx := context.Background()
	spec := Spec("opskit-aud")
	spec.Port = 5433
	spec.MonitoringInterval, spec.MonitoringRoleArn = 60, MonitoringRole
	p, api := provision(t, h, spec)
	converge(t, h, p, spec)
	// A weak instance straight through the API: public, unencrypted, no
	// backups, default admin, default port, default parameter group, no
	// minor upgrades, tags not copied, no monitoring.
	weak := unique("opskit-weak")
	_, err := api.CreateDBInstance(ctx, &awsrds.CreateDBInstanceInput{
		DBInstanceIdentifier: aws.String(weak), DBInstanceClass: aws.String("db.t3.micro"), Engine: aws.String("postgres"),
		AllocatedStorage: aws.Int32(20), MasterUsername: aws.String("postgres"), MasterUserPassword: aws.String("opskit-test-password"),
		PubliclyAccessible: aws.Bool(true), BackupRetentionPeriod: aws.Int32(0), StorageEncrypted: aws.Bool(false),
		AutoMinorVersionUpgrade: aws.Bool(false), CopyTagsToSnapshot: aws.Bool(false),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rds.NewProvisioner(api, rds.ProvisionerOptions{}).Delete(context.Background(), weak) })
	findings, err := rds.Audit(ctx, api)
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]map[string]audit.Status{}
	for _, f := range findings {
		id := f.Resource[strings.LastIndexByte(f.Resource, ':')+1:]
		if status[id] == nil {
			status[id] = map[string]audit.Status{}
		}
		status[id][f.CheckID] = f.Status
	}
	for _, c := range rds.Checks() {
		if got := status[spec.Identifier][c.ID]; got != audit.StatusPass {
			t.Errorf("hardened instance: %s = %v, want pass", c.ID, got)
		}
		if got := status[weak][c.ID]; got != audit.StatusFail {
			t.Errorf("weak instance: %s = %v, want fail", c.ID, got)
		}
	}
}

// converge applies spec until its plan is empty (at most three rounds),
// as a reconciler would: an emulator may drop a field at create that it
// keeps on modify (moto 5 drops MonitoringInterval at create).
func converge(t *testing.T, h env, p *rds.Provisioner, spec rds.InstanceSpec) {
	t.Helper()
	ctx := context.Background()
	for range 3 {
		plan, err := p.Plan(ctx, spec)
		if err != nil {
			t.Fatal(err)
		}
		if plan.Empty() {
			return
		}
		t.Logf("converging %s: %v", spec.Identifier, plan.Changes)
		if _, err := p.Apply(ctx, spec); err != nil {
			t.Fatal(err)
		}
		if err := p.WaitAvailable(ctx, spec.Identifier, h.MaxWait); err != nil {
			t.Fatal(err)
		}
	}
	t.Fatalf("%s did not converge on its spec in three applies", spec.Identifier)
}

// defaultGroup is the name of the parameter group the Provisioner makes
// for a spec without one.
func defaultGroup(t *testing.T, spec rds.InstanceSpec) string {
	t.Helper()
	f, err := rds.ParameterGroupFamily(spec.EngineVersion)
	if err != nil {
		t.Fatal(err)
	}
	return rds.DefaultParameterGroupName(spec.Identifier, f)
}

// deleteGroupLater deletes a parameter group in Cleanup; registered before
// the instance that uses it, it runs after the instance is deleted.
func deleteGroupLater(t *testing.T, api rds.API, name string) {
	t.Cleanup(func() {
		_, _ = api.DeleteDBParameterGroup(context.Background(), &awsrds.DeleteDBParameterGroupInput{DBParameterGroupName: aws.String(name)})
	})
}
