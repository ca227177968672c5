package rds_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/opskit-dev/opskit/database/rds"
	"github.com/opskit-dev/opskit/database/rds/rdsfake"
)

// Provision a hardened instance, then see what a spec change would modify.
// The fake stands in for an *rds.Client (rds.NewFromConfig(cfg)).
func ExampleProvisioner() {
	ctx := context.Background()
	world := rdsfake.NewWorld()
	p := rds.NewProvisioner(world.Region("us-east-1"), rds.ProvisionerOptions{PollInterval: time.Millisecond})

	spec := rds.InstanceSpec{
		Identifier: "shop-db", Class: "db.m6g.large", EngineVersion: "16.3", AllocatedStorage: 500, StorageType: "io2", IOPS: 20000,
		MultiAZ: true, BackupRetentionDays: 14, DeletionProtection: true, IAMAuth: true,
		LogExports: []string{"postgresql", "upgrade"}, MasterUsername: "shop_admin", ManageMasterPassword: true,
	}
	if _, err := p.Apply(ctx, spec); err != nil {
		fmt.Println(err)
		return
	}
	if err := p.WaitAvailable(ctx, "shop-db", time.Minute); err != nil {
		fmt.Println(err)
		return
	}
	spec.IOPS = 30000
	spec.BackupRetentionDays = 30
	plan, _ := p.Plan(ctx, spec)
	for _, c := range plan.Changes {
		fmt.Println(c)
	}
	// RDS never shrinks storage and needs AllowMajorVersionUpgrade for
	// 17: both are reported and would not be sent.
	shrunk := spec
	shrunk.AllocatedStorage = 400
	shrunk.EngineVersion = "17.2"
	plan, _ = p.Plan(ctx, shrunk)
	for _, c := range plan.Changes {
		if c.Immutable {
			fmt.Println(c)
		}
	}
	spec.IOPS = 100000 // 200 IOPS per GiB is within io2's 0.5-1000
	spec.StorageType = "io1"
	_, err := p.Plan(ctx, spec)
	fmt.Println(err)
	// Output:
	// instance Iops: 20000 -> 30000
	// instance BackupRetentionPeriod: 14 -> 30
	// instance AllocatedStorage: 500 -> 400 (RDS never shrinks storage: create a smaller instance and move the data to it)
	// instance EngineVersion: 16.3 -> 17.2 (major version upgrade: set AllowMajorVersionUpgrade to apply it)
	// instance DBParameterGroupName: shop-db-hardened-postgres16 -> shop-db-hardened-postgres17 (a postgres17 parameter group comes with the EngineVersion change, which is not applied)
	// rds: invalid instance spec "shop-db": IOPS: io1 needs 0.5-50 IOPS per GiB; 100000 IOPS on 500 GiB is 200.0
}

// An RDS audit report written as SARIF through the rds package's own
// names, for a CI job that uploads it to code scanning.
func ExampleReport_WriteSARIF() {
	public := rds.Check{ID: "database.rds.no_public_access", Title: "RDS instance is publicly accessible", Severity: rds.SeverityCritical}
	arn := "arn:aws:rds:eu-west-1:123456789012:db:shop"
	r := &rds.Report{
		Tool:     rds.Tool{Name: "opskit", Version: "0.1.0"},
		Name:     "database.rds",
		Target:   "123456789012/eu-west-1",
		Findings: []rds.Finding{public.Fail(arn, "PubliclyAccessible = true")},
	}
	var sarif bytes.Buffer
	if err := r.WriteSARIF(&sarif, rds.SARIFOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	printSARIF(sarif.Bytes())
	fmt.Println("exit code:", r.ExitCode(rds.SeverityHigh))
	// Output:
	// automationDetails.id: database.rds/123456789012/eu-west-1/
	// fail database.rds.no_public_access opskit/arn%3Aaws%3Ards%3Aeu-west-1%3A123456789012%3Adb%3Ashop:1
	// exit code: 1
}

// printSARIF prints what a code-scanning upload keys on: the run's
// automationDetails.id, then each result's rule and physical location.
func printSARIF(log []byte) {
	var doc struct {
		Runs []struct {
			AutomationDetails struct{ ID string }
			Results           []struct {
				RuleID    string
				Kind      string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(log, &doc); err != nil {
		fmt.Println(err)
		return
	}
	for _, run := range doc.Runs {
		fmt.Println("automationDetails.id:", run.AutomationDetails.ID)
		for _, res := range run.Results {
			loc := res.Locations[0].PhysicalLocation
			fmt.Printf("%s %s %s:%d\n", res.Kind, res.RuleID, loc.ArtifactLocation.URI, loc.Region.StartLine)
		}
	}
}

// The parameter group the database audit's RDS mode judges settings by:
// give InstanceParameters as database.AuditOptions.Parameters. Here it
// reads the hardening group the Provisioner made on the fake.
func ExampleInstanceParameters() {
	ctx := context.Background()
	region := rdsfake.NewWorld().Region("eu-west-1")
	p := rds.NewProvisioner(region, rds.ProvisionerOptions{PollInterval: time.Millisecond})
	spec := rds.InstanceSpec{Identifier: "shop-db", Class: "db.m6g.large", EngineVersion: "16.3", AllocatedStorage: 100,
		BackupRetentionDays: 7, MasterUsername: "shop_admin", ManageMasterPassword: true,
		Port: 5433, MonitoringInterval: 60, MonitoringRoleArn: "arn:aws:iam::123456789012:role/rds-monitoring-role"}
	if _, err := p.Apply(ctx, spec); err != nil {
		fmt.Println(err)
		return
	}
	group, params, err := rds.InstanceParameters{API: region, Instance: "shop-db"}.DBParameters(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(group, "rds.force_ssl =", params["rds.force_ssl"], "log_connections =", params["log_connections"])
	// Output:
	// shop-db-hardened-postgres16 rds.force_ssl = 1 log_connections = 1
}
