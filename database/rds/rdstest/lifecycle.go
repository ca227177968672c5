package rdstest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsrds "github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/opskit-dev/opskit/database/rds"
)

// testParameterDrift: a parameter changed behind the Provisioner's back
// shows in Plan as a change of that parameter, and Apply puts it back.
func testParameterDrift(t *testing.T, h env) {
	ctx := context.Background()
	spec := Spec("opskit-drift")
	p, api := provision(t, h, spec)
	group := defaultGroup(t, spec)
	want := rds.HardeningParameterGroup(group, "postgres15").Parameters["log_connections"]
	if want == "" {
		t.Fatal("the hardening group sets no log_connections")
	}
	drifted := "0"
	if want == "0" {
		drifted = "1"
	}
	_, err := api.ModifyDBParameterGroup(ctx, &awsrds.ModifyDBParameterGroupInput{
		DBParameterGroupName: aws.String(group),
		Parameters:           []types.Parameter{{ParameterName: aws.String("log_connections"), ParameterValue: aws.String(drifted), ApplyMethod: types.ApplyMethodImmediate}},
	})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := p.Plan(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Changes) != 1 || plan.Changes[0].Field != "log_connections" || plan.Changes[0].Current != drifted || plan.Changes[0].Desired != want {
		t.Fatalf("plan after log_connections drifted to %s: %v, want that one change back to %s", drifted, plan.Changes, want)
	}
	if _, err := p.Apply(ctx, spec); err != nil {
		t.Fatal(err)
	}
	params, err := rds.Parameters(ctx, api, group)
	if err != nil || params["log_connections"] != want {
		t.Fatalf("after Apply: log_connections = %q (%v), want %s", params["log_connections"], err, want)
	}
	if plan, err := p.Plan(ctx, spec); err != nil || !plan.Empty() {
		t.Fatalf("plan after converging: %+v, %v; want none", plan, err)
	}
}

// testInPlace: a change RDS makes in place (class, backups) is applied to
// the same instance; one it cannot (encryption) is reported as immutable
// and never applied, since that would mean replacing the instance.
func testInPlace(t *testing.T, h env) {
	ctx := context.Background()
	spec := Spec("opskit-inplace")
	p, _ := provision(t, h, spec)
	before, err := p.Describe(ctx, spec.Identifier)
	if err != nil {
		t.Fatal(err)
	}
	changed := spec
	changed.Class = "db.m6g.xlarge"
	changed.BackupRetentionDays = 10
	plan, err := p.Apply(ctx, changed)
	if err != nil || plan.CreateInstance || len(plan.Changes) != 2 {
		t.Fatalf("apply of a class and backup change: %+v, %v; want two in-place changes", plan, err)
	}
	for _, c := range plan.Changes {
		if c.Immutable {
			t.Errorf("%s reported immutable, want in place", c.Field)
		}
	}
	if err := p.WaitAvailable(ctx, spec.Identifier, h.MaxWait); err != nil {
		t.Fatal(err)
	}
	after, err := p.Describe(ctx, spec.Identifier)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(after.DBInstanceClass) != "db.m6g.xlarge" || aws.ToInt32(after.BackupRetentionPeriod) != 10 {
		t.Fatalf("after apply: class %s, retention %d", aws.ToString(after.DBInstanceClass), aws.ToInt32(after.BackupRetentionPeriod))
	}
	if aws.ToString(after.DBInstanceArn) != aws.ToString(before.DBInstanceArn) ||
		before.InstanceCreateTime != nil && after.InstanceCreateTime != nil && !after.InstanceCreateTime.Equal(*before.InstanceCreateTime) {
		t.Fatalf("the instance was replaced: ARN %s -> %s, created %v -> %v", aws.ToString(before.DBInstanceArn), aws.ToString(after.DBInstanceArn), before.InstanceCreateTime, after.InstanceCreateTime)
	}
	plain := changed
	plain.Unencrypted = true
	plan, err = p.Apply(ctx, plain)
	if err != nil || len(plan.Changes) != 1 || !plan.Changes[0].Immutable || plan.Changes[0].Note == "" {
		t.Fatalf("apply with encryption off: %+v, %v; want one immutable change that says why", plan, err)
	}
	if db, err := p.Describe(ctx, spec.Identifier); err != nil || !aws.ToBool(db.StorageEncrypted) {
		t.Fatalf("encryption was turned off in place (err %v)", err)
	}
}

// testDeletionProtection: an instance with deletion protection cannot be
// deleted through the API (RDS answers InvalidParameterCombination) and
// stays; the Provisioner's Delete turns protection off first.
func testDeletionProtection(t *testing.T, h env) {
	ctx := context.Background()
	spec := Spec("opskit-protect")
	p, api := provision(t, h, spec)
	_, err := api.DeleteDBInstance(ctx, &awsrds.DeleteDBInstanceInput{DBInstanceIdentifier: aws.String(spec.Identifier), SkipFinalSnapshot: aws.Bool(true)})
	if err == nil {
		t.Fatal("DeleteDBInstance of a protected instance succeeded")
	}
	refused(t, "DeleteDBInstance of a protected instance", err)
	if _, err := p.Describe(ctx, spec.Identifier); err != nil {
		t.Fatalf("protected instance after a refused delete: %v", err)
	}
	if err := p.Delete(ctx, spec.Identifier); err != nil {
		t.Fatalf("Provisioner.Delete: %v", err)
	}
	db, err := p.Describe(ctx, spec.Identifier)
	if err == nil && aws.ToString(db.DBInstanceStatus) != "deleting" {
		t.Fatalf("after Delete: %s, want deleting or gone", aws.ToString(db.DBInstanceStatus))
	}
	if err != nil && !errors.As(err, new(*types.DBInstanceNotFoundFault)) {
		t.Fatalf("after Delete: %v, want DBInstanceNotFoundFault", err)
	}
}

// testReplicaOfReplica: a replica can itself be the source of a replica
// (cascading replication, RDS for PostgreSQL 14.1 and later).
func testReplicaOfReplica(t *testing.T, h env) {
	ctx := context.Background()
	spec := Spec("opskit-cascade")
	p, _ := provision(t, h, spec)
	first := rds.ReplicaSpec{Identifier: unique("opskit-rep1"), Source: spec.Identifier, Class: "db.m6g.large", IAMAuth: true}
	second := rds.ReplicaSpec{Identifier: unique("opskit-rep2"), Source: first.Identifier, Class: "db.m6g.large", IAMAuth: true}
	for _, rs := range []rds.ReplicaSpec{first, second} {
		if err := p.CreateReplica(ctx, rs); err != nil {
			t.Fatalf("CreateReplica %s of %s: %v", rs.Identifier, rs.Source, err)
		}
		t.Cleanup(func() { _ = p.Delete(context.Background(), rs.Identifier) })
		if err := p.WaitAvailable(ctx, rs.Identifier, h.MaxWait); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := p.Describe(ctx, second.Identifier)
	if err != nil {
		t.Fatal(err)
	}
	if src := aws.ToString(rep.ReadReplicaSourceDBInstanceIdentifier); !strings.HasSuffix(src, first.Identifier) {
		t.Fatalf("second replica's source = %q, want %s", src, first.Identifier)
	}
	mid, err := p.Describe(ctx, first.Identifier)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, id := range mid.ReadReplicaDBInstanceIdentifiers {
		found = found || strings.HasSuffix(id, second.Identifier)
	}
	if !found {
		t.Fatalf("first replica lists replicas %v, want %s", mid.ReadReplicaDBInstanceIdentifiers, second.Identifier)
	}
}
