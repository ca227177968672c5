package rdstest

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsrds "github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/smithy-go"
	"github.com/opskit-dev/opskit/database/rds"
)

// refused checks that err is RDS's InvalidParameterCombination.
func refused(t *testing.T, what string, err error) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidParameterCombination" {
		t.Errorf("%s: err %v, want InvalidParameterCombination as RDS answers", what, err)
	}
}

// groupFamily returns the family of a parameter group.
func groupFamily(t *testing.T, api rds.API, name string) string {
	t.Helper()
	out, err := api.DescribeDBParameterGroups(context.Background(), &awsrds.DescribeDBParameterGroupsInput{DBParameterGroupName: aws.String(name)})
	if err != nil || len(out.DBParameterGroups) != 1 {
		t.Fatalf("parameter group %s: %v", name, err)
	}
	return aws.ToString(out.DBParameterGroups[0].DBParameterGroupFamily)
}

// testFamily: the default parameter group's family follows EngineVersion;
// a strict backend refuses an instance with a group of another family.
func testFamily(t *testing.T, h env) {
	ctx := context.Background()
	spec := Spec("opskit-fam")
	spec.EngineVersion = "16.3"
	p, api := provision(t, h, spec)
	name := defaultGroup(t, spec)
	if f := groupFamily(t, api, name); f != "postgres16" {
		t.Fatalf("default parameter group of a 16.3 instance has family %s, want postgres16", f)
	}
	db, err := p.Describe(ctx, spec.Identifier)
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(db.DBParameterGroups[0].DBParameterGroupName); got != name {
		t.Fatalf("instance uses parameter group %s, want %s", got, name)
	}
	// A spec naming a group of another family is refused before anything
	// is created.
	bad := Spec("opskit-fam-bad")
	bad.ParameterGroup = rds.HardeningParameterGroup(bad.Identifier+"-pg", "postgres15")
	bad.EngineVersion = "16.3"
	var se *rds.InvalidError
	if _, err := p.Apply(ctx, bad); !errors.As(err, &se) || se.Field != "ParameterGroup" {
		t.Fatalf("spec with a postgres15 group for 16.3: %v, want an InvalidError for ParameterGroup", err)
	}
	if !h.Strict {
		return
	}
	weak := unique("opskit-fam-raw")
	_, err = api.CreateDBInstance(ctx, &awsrds.CreateDBInstanceInput{
		DBInstanceIdentifier: aws.String(weak), DBInstanceClass: aws.String("db.t3.micro"), Engine: aws.String("postgres"),
		EngineVersion: aws.String("15.7"), AllocatedStorage: aws.Int32(20), MasterUsername: aws.String("opsadmin"),
		MasterUserPassword: aws.String("opskit-test-password"), DBParameterGroupName: aws.String(name),
	})
	if err == nil {
		t.Cleanup(func() { _ = rds.NewProvisioner(api, rds.ProvisionerOptions{}).Delete(context.Background(), weak) })
	}
	refused(t, "CreateDBInstance 15.7 with a postgres16 group", err)
}

// testShrink: a smaller AllocatedStorage is planned as immutable and never
// sent; a larger one is applied (with the IOPS, as RDS requires); a strict
// backend refuses a shrink sent straight through the API.
func testShrink(t *testing.T, h env) {
	ctx := context.Background()
	spec := Spec("opskit-shrink")
	spec.AllocatedStorage = 500
	p, api := provision(t, h, spec)
	small := spec
	small.AllocatedStorage = 450
	plan, err := p.Apply(ctx, small)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Changes) != 1 || plan.Changes[0].Field != "AllocatedStorage" || !plan.Changes[0].Immutable || plan.Changes[0].Note == "" {
		t.Fatalf("plan to shrink 500 -> 450 GiB: %+v, want one immutable AllocatedStorage change saying why", plan.Changes)
	}
	db, err := p.Describe(ctx, spec.Identifier)
	if err != nil || aws.ToInt32(db.AllocatedStorage) != 500 {
		t.Fatalf("after a refused shrink: %v GiB, err %v; want 500", aws.ToInt32(db.AllocatedStorage), err)
	}
	big := spec
	big.AllocatedStorage = 600
	if _, err := p.Apply(ctx, big); err != nil {
		t.Fatalf("growing 500 -> 600 GiB: %v", err)
	}
	if err := p.WaitAvailable(ctx, spec.Identifier, h.MaxWait); err != nil {
		t.Fatal(err)
	}
	if plan, err := p.Plan(ctx, big); err != nil || !plan.Empty() {
		t.Fatalf("after growing: %+v err %v", plan, err)
	}
	if !h.Strict {
		return
	}
	_, err = api.ModifyDBInstance(ctx, &awsrds.ModifyDBInstanceInput{DBInstanceIdentifier: aws.String(spec.Identifier),
		AllocatedStorage: aws.Int32(500), Iops: aws.Int32(12000), ApplyImmediately: aws.Bool(true)})
	refused(t, "ModifyDBInstance shrinking 600 -> 500 GiB", err)
	_, err = api.ModifyDBInstance(ctx, &awsrds.ModifyDBInstanceInput{DBInstanceIdentifier: aws.String(spec.Identifier),
		AllocatedStorage: aws.Int32(700), ApplyImmediately: aws.Bool(true)})
	refused(t, "ModifyDBInstance growing an instance with provisioned IOPS without Iops", err)
}

// testMajorUpgrade: a higher major EngineVersion is planned as immutable
// unless the spec allows it; allowed, it is applied with the parameter
// group of the new family; a downgrade is never sent. A strict backend
// refuses a major upgrade sent without AllowMajorVersionUpgrade.
func testMajorUpgrade(t *testing.T, h env) {
	ctx := context.Background()
	spec := Spec("opskit-major")
	p, api := provision(t, h, spec)
	up := spec
	up.EngineVersion = "16.3"
	deleteGroupLater(t, api, defaultGroup(t, up))
	plan, err := p.Plan(ctx, up)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range plan.Changes {
		if c.Field == "EngineVersion" {
			found = c.Immutable && c.Current == "15.7" && c.Desired == "16.3"
		}
	}
	if !found {
		t.Fatalf("plan for 15.7 -> 16.3 without AllowMajorVersionUpgrade: %+v, want an immutable EngineVersion change", plan.Changes)
	}
	if h.Strict {
		_, err := api.ModifyDBInstance(ctx, &awsrds.ModifyDBInstanceInput{DBInstanceIdentifier: aws.String(spec.Identifier),
			EngineVersion: aws.String("16.3"), ApplyImmediately: aws.Bool(true)})
		refused(t, "ModifyDBInstance 15.7 -> 16.3 without AllowMajorVersionUpgrade", err)
	}
	if _, err := p.Apply(ctx, up); err != nil {
		t.Fatalf("apply without AllowMajorVersionUpgrade: %v", err)
	}
	if db, err := p.Describe(ctx, spec.Identifier); err != nil || aws.ToString(db.EngineVersion) != "15.7" {
		t.Fatalf("engine %s after a plan that did not allow the upgrade (err %v), want 15.7", aws.ToString(db.EngineVersion), err)
	}
	up.AllowMajorVersionUpgrade = true
	if _, err := p.Apply(ctx, up); err != nil {
		t.Fatalf("apply with AllowMajorVersionUpgrade: %v", err)
	}
	if err := p.WaitAvailable(ctx, spec.Identifier, h.MaxWait); err != nil {
		t.Fatal(err)
	}
	db, err := p.Describe(ctx, spec.Identifier)
	if err != nil {
		t.Fatal(err)
	}
	group := aws.ToString(db.DBParameterGroups[0].DBParameterGroupName)
	if aws.ToString(db.EngineVersion) != "16.3" || group != defaultGroup(t, up) || groupFamily(t, api, group) != "postgres16" {
		t.Fatalf("after the upgrade: engine %s, parameter group %s; want 16.3 with %s (postgres16)", aws.ToString(db.EngineVersion), group, defaultGroup(t, up))
	}
	if plan, err := p.Plan(ctx, up); err != nil || !plan.Empty() {
		t.Fatalf("after the upgrade: %+v err %v", plan, err)
	}
	down := up
	down.EngineVersion = "16.1"
	if plan, err := p.Apply(ctx, down); err != nil || len(plan.Changes) != 1 || !plan.Changes[0].Immutable {
		t.Fatalf("downgrade 16.3 -> 16.1: %+v err %v, want one immutable change", plan, err)
	}
}
