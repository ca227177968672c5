package database

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsrds "github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/jackc/pgx/v5"
	"github.com/opskit-dev/opskit/database/rds"
	"github.com/opskit-dev/opskit/internal/testenv"
)

// rdsEnv is an RDS instance on moto with a parameter group of its own,
// standing for the instance the real PostgreSQL plays.
type rdsEnv struct {
	api      *awsrds.Client
	instance string
	group    string
}

func newRDSEnv(t *testing.T) *rdsEnv {
	t.Helper()
	api := awsrds.NewFromConfig(testenv.PrivateMoto(t))
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	e := &rdsEnv{api: api, instance: "opskit-audit-" + hex.EncodeToString(b), group: "opskit-audit-" + hex.EncodeToString(b) + "-pg15"}
	ctx := context.Background()
	if _, err := api.CreateDBParameterGroup(ctx, &awsrds.CreateDBParameterGroupInput{
		DBParameterGroupName: aws.String(e.group), DBParameterGroupFamily: aws.String("postgres15"), Description: aws.String("opskit RDS-mode audit test"),
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.CreateDBInstance(ctx, &awsrds.CreateDBInstanceInput{
		DBInstanceIdentifier: aws.String(e.instance), DBInstanceClass: aws.String("db.t3.micro"), Engine: aws.String("postgres"), EngineVersion: aws.String("15.7"),
		AllocatedStorage: aws.Int32(20), MasterUsername: aws.String("opsadmin"), MasterUserPassword: aws.String("opskit-test-password"),
		DBParameterGroupName: aws.String(e.group),
	}); err != nil {
		t.Fatal(err)
	}
	return e
}

// setParam sets one parameter of the instance's group through the RDS API.
func (r *rdsEnv) setParam(name, value string) func(t *testing.T, e *auditEnv) {
	return func(t *testing.T, _ *auditEnv) {
		t.Helper()
		_, err := r.api.ModifyDBParameterGroup(context.Background(), &awsrds.ModifyDBParameterGroupInput{
			DBParameterGroupName: aws.String(r.group),
			Parameters:           []types.Parameter{{ParameterName: aws.String(name), ParameterValue: aws.String(value), ApplyMethod: types.ApplyMethodImmediate}},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// ensureAdminRole creates rds_superuser as RDS has it (NOLOGIN) unless the
// cluster has one; Cleanup drops it only when this test created it.
func ensureAdminRole(t *testing.T, dsn string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var exists bool
	if err := c.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", DefaultAdminRole).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Logf("%s already exists; left as it is", DefaultAdminRole)
		return
	}
	if _, err := c.Exec(ctx, "CREATE ROLE rds_superuser NOLOGIN"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { exec1(t, dsn, "DROP ROLE IF EXISTS rds_superuser") })
}

// TestAuditRDSMode runs the RDS reading of the audit against the real
// PostgreSQL primary, with the parameter group of an instance on moto:
// RDS is detected from its marks; as an RDS master user (no superuser,
// member of rds_superuser) no check errors, and the ones RDS manages are
// n/a with a reason; every check RDS mode evaluates is proven both ways,
// settings through the parameter group.
func TestAuditRDSMode(t *testing.T) {
	pg := testenv.PostgreSQL(t)
	scratch, _, dbname := scratchDB(t, pg)
	r := newRDSEnv(t)
	params := rds.InstanceParameters{API: r.api, Instance: r.instance}
	ctx := context.Background()

	t.Run("Detect", func(t *testing.T) {
		e := &auditEnv{pg: pg, admin: pg.PrimaryDSN, scratch: scratch, resources: map[string]string{}}
		if snap := collect(t, e); snap.RDS != "" {
			t.Fatalf("a self-managed server is marked as RDS by %s (a leftover rds_superuser role?)", snap.RDS)
		}
		// rds.extensions is set for the scratch database only, so no other
		// test's server looks like RDS.
		exec1(t, pg.PrimaryDSN, "ALTER DATABASE "+pgx.Identifier{dbname}.Sanitize()+" SET rds.extensions = 'pg_stat_statements'")
		snap := collect(t, e)
		exec1(t, pg.PrimaryDSN, "ALTER DATABASE "+pgx.Identifier{dbname}.Sanitize()+" RESET rds.extensions")
		if snap.RDS != "setting rds.extensions" {
			t.Errorf("with rds.extensions set: RDS = %q", snap.RDS)
		}
		for _, f := range AuditSnapshot(ctx, snap, AuditOptions{}) {
			if f.CheckID == "database.pg_hba.trust" && f.Status != StatusNotApplicable {
				t.Errorf("auto mode on an RDS-marked server: %s is %v, want n/a", f.CheckID, f.Status)
			}
		}
		// A superuser beside rds_superuser is a self-managed server (one
		// restored from an RDS dump has the role); the role marks RDS only
		// for a role that is no superuser (MasterUserNeverErrors).
		ensureAdminRole(t, pg.PrimaryDSN)
		if snap := collect(t, e); snap.RDS != "" {
			t.Errorf("as a superuser with rds_superuser present: RDS = %q, want none", snap.RDS)
		}
	})
	ensureAdminRole(t, pg.PrimaryDSN)

	t.Run("MasterUserNeverErrors", func(t *testing.T) {
		// The group RDS lists has every parameter; moto's only what was
		// set, so set what the provisioner's hardening group sets.
		for k, v := range rds.HardeningParameterGroup(r.group, "postgres15").Parameters {
			r.setParam(k, v)(t, nil)
		}
		testRDSMasterUser(t, pg, scratch, params)
	})

	base := map[string]auditCase{}
	for _, c := range auditCases {
		base[c.id] = c
	}
	cases := []auditCase{
		{id: "database.settings.password_encryption", good: r.setParam("password_encryption", "scram-sha-256"), bad: r.setParam("password_encryption", "md5")},
		{id: "database.settings.ssl", good: r.setParam("ssl", "1"), bad: r.setParam("ssl", "0")},
		{id: "database.settings.ssl_min_protocol_version", good: r.setParam("ssl_min_protocol_version", "TLSv1.2"), bad: r.setParam("ssl_min_protocol_version", "TLSv1")},
		{id: "database.settings.authentication_timeout", good: r.setParam("authentication_timeout", "60"), bad: r.setParam("authentication_timeout", "300")},
		{id: "database.logging.connections", good: r.setParam("log_connections", "1"), bad: r.setParam("log_connections", "0")},
		{id: "database.logging.disconnections", good: r.setParam("log_disconnections", "1"), bad: r.setParam("log_disconnections", "0")},
		{id: "database.logging.statement", good: r.setParam("log_statement", "ddl"), bad: r.setParam("log_statement", "none")},
		{id: "database.logging.min_duration_statement", good: r.setParam("log_min_duration_statement", "1000"), bad: r.setParam("log_min_duration_statement", "-1")},
		{id: "database.logging.line_prefix", good: r.setParam("log_line_prefix", "%t:%r:%u@%d:[%p]:"), bad: r.setParam("log_line_prefix", "%t:")},
		{id: "database.logging.min_messages", good: r.setParam("log_min_messages", "warning"), bad: r.setParam("log_min_messages", "fatal")},
		{id: "database.logging.min_error_statement", good: r.setParam("log_min_error_statement", "error"), bad: r.setParam("log_min_error_statement", "panic")},
		{id: "database.pg_hba.host_without_ssl", good: r.setParam("rds.force_ssl", "1"), bad: r.setParam("rds.force_ssl", "0")},
		{id: "database.extensions.pg_stat_statements",
			good: func(t *testing.T, e *auditEnv) {
				r.setParam("shared_preload_libraries", "pg_stat_statements")(t, e)
				inScratch("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")(t, e)
			},
			bad: r.setParam("shared_preload_libraries", "auto_explain")},
		{id: "database.roles.superuser_count",
			// One holder besides the test role (the master user, as on
			// RDS) is the allowance; granting the test role exceeds it.
			good: func(t *testing.T, e *auditEnv) {
				master := e.role + "_master"
				if _, ok := e.resources["master"]; !ok {
					e.resources["master"] = master
					exec1(t, e.admin, "CREATE ROLE "+pgx.Identifier{master}.Sanitize()+" LOGIN CONNECTION LIMIT 5 PASSWORD 'opskit-audit-test' IN ROLE rds_superuser")
					admin := e.admin
					t.Cleanup(func() { exec1(t, admin, "DROP ROLE IF EXISTS "+pgx.Identifier{master}.Sanitize()) })
				}
				onRole("REVOKE rds_superuser FROM %s")(t, e)
				n := 0
				for _, ro := range collect(t, e).Roles {
					if ro.Login && slices.Contains(ro.MemberOf, DefaultAdminRole) {
						n++
					}
				}
				e.opts.MaxSuperusers = n
			},
			bad: onRole("GRANT rds_superuser TO %s")},
		base["database.roles.no_password"],
		base["database.roles.md5_password"],
		base["database.roles.connection_limit"],
		base["database.schema.public_create"],
	}
	evaluated := map[string]bool{}
	for _, c := range cases {
		evaluated[c.id] = true
	}
	for _, c := range Checks() {
		if !evaluated[c.ID] && rdsNotApplicable[c.ID] == "" {
			t.Errorf("check %s is evaluated in RDS mode but has no RDS both-ways case", c.ID)
		}
	}
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			e := &auditEnv{pg: pg, admin: pg.PrimaryDSN, scratch: scratch, resources: map[string]string{},
				opts: AuditOptions{Mode: AuditRDS, Parameters: params}}
			f := bothWays(t, e, c)
			if p, ok := rdsFixes[c.id]; ok {
				if !strings.Contains(f.Evidence, "parameter group "+r.group) || !strings.Contains(f.Remediation.Command, "--db-parameter-group-name "+r.group) || !strings.Contains(f.Remediation.Command, "ParameterName="+p.name) {
					t.Errorf("RDS finding names no parameter group: evidence %q, remediation %q", f.Evidence, f.Remediation.Command)
				}
			}
		})
	}

	// Without a parameter group RDS mode reads the live rds.force_ssl,
	// set here for the scratch database alone.
	t.Run("database.pg_hba.host_without_ssl/live", func(t *testing.T) {
		set := func(v string) func(t *testing.T, e *auditEnv) {
			return inScratchDB("ALTER DATABASE %s SET rds.force_ssl = '" + v + "'")
		}
		e := &auditEnv{pg: pg, admin: pg.PrimaryDSN, scratch: scratch, resources: map[string]string{}, opts: AuditOptions{Mode: AuditRDS}}
		f := bothWays(t, e, auditCase{id: "database.pg_hba.host_without_ssl", good: set("1"), bad: set("0")})
		if !strings.Contains(f.Evidence, "live value") {
			t.Errorf("evidence %q does not say the value is live", f.Evidence)
		}
		inScratchDB("ALTER DATABASE %s RESET rds.force_ssl")(t, e)
	})
}

// testRDSMasterUser audits as RDS's master user would: a login role that
// holds rds_superuser but is no superuser, so pg_hba_file_rules,
// pg_authid and the file paths are out of reach. Self-managed mode then
// has errors; RDS mode, chosen by AuditAuto from the rds_superuser mark,
// has none, and says n/a with a reason for exactly the checks RDS
// manages.
func testRDSMasterUser(t *testing.T, pg testenv.Postgres, scratch string, params rds.InstanceParameters) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	user := "opskit_rds_master_" + hex.EncodeToString(b)
	exec1(t, pg.PrimaryDSN, "CREATE ROLE "+pgx.Identifier{user}.Sanitize()+" LOGIN CONNECTION LIMIT 5 PASSWORD 'opskit-audit-test' IN ROLE rds_superuser")
	t.Cleanup(func() { exec1(t, pg.PrimaryDSN, "DROP ROLE IF EXISTS "+pgx.Identifier{user}.Sanitize()) })
	u, err := url.Parse(scratch)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(user, "opskit-audit-test")
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())

	self, err := Audit(ctx, conn, AuditOptions{Mode: AuditSelfManaged})
	if err != nil {
		t.Fatal(err)
	}
	var selfErrors int
	for _, f := range self {
		if f.Status == StatusError {
			selfErrors++
		}
	}
	snap, err := CollectSnapshot(ctx, conn, nil)
	if err != nil {
		t.Fatal(err)
	}
	if snap.RDS != "role rds_superuser" {
		t.Errorf("as a non-superuser member of rds_superuser: RDS = %q", snap.RDS)
	}
	// AuditAuto: the mark above chooses RDS mode.
	findings, err := Audit(ctx, conn, AuditOptions{Parameters: params})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var na []string
	for _, f := range findings {
		seen[f.CheckID] = true
		switch f.Status {
		case StatusError:
			t.Errorf("RDS mode: %s on %s errors: %s", f.CheckID, f.Resource, f.Error)
		case StatusNotApplicable:
			na = append(na, f.CheckID)
			if f.Reason == "" {
				t.Errorf("RDS mode: %s is n/a without a reason", f.CheckID)
			}
		}
	}
	for _, c := range Checks() {
		if !seen[c.ID] {
			t.Errorf("RDS mode: no finding for %s", c.ID)
		}
	}
	var want []string
	for id := range rdsNotApplicable {
		want = append(want, id)
	}
	want = append(want, "database.roles.no_password", "database.roles.md5_password")
	slices.Sort(want)
	slices.Sort(na)
	if !slices.Equal(na, want) {
		t.Errorf("RDS mode n/a checks:\n got %v\nwant %v", na, want)
	}
	t.Logf("as a non-superuser rds_superuser member: self-managed mode %d errors of %d findings; RDS mode 0 errors, %d n/a of %d", selfErrors, len(self), len(na), len(findings))
	if selfErrors == 0 {
		t.Error("self-managed mode had no errors without superuser; the comparison proves nothing")
	}
}

// TestAuditRDSModeUnreadableGroup: when the parameter group asked for
// cannot be read, the setting checks error (undecided) instead of
// passing on the live values, and the checks RDS manages stay n/a.
func TestAuditRDSModeUnreadableGroup(t *testing.T) {
	snap := &Snapshot{Database: "shop", RDS: "role rds_superuser",
		Settings:      map[string]Setting{"log_connections": {Name: "log_connections", Value: "on"}},
		ParametersErr: errors.New("rds: parameters of shop-db-params: AccessDenied")}
	got := map[string]Status{}
	for _, f := range AuditSnapshot(context.Background(), snap, AuditOptions{}) {
		got[f.CheckID] = f.Status
	}
	if got["database.logging.connections"] != StatusError || got["database.pg_hba.host_without_ssl"] != StatusError {
		t.Errorf("with an unreadable group: log_connections %v, host_without_ssl %v; want errors", got["database.logging.connections"], got["database.pg_hba.host_without_ssl"])
	}
	if got["database.pg_hba.trust"] != StatusNotApplicable {
		t.Errorf("pg_hba.trust = %v, want n/a", got["database.pg_hba.trust"])
	}
}

// TestRDSChecks: RDS mode runs the same checks, in the same order, and
// gives parameter-group remediation where the self-managed one is ALTER
// SYSTEM, which RDS refuses.
func TestRDSChecks(t *testing.T) {
	self, rdsMode := Checks(), RDSChecks()
	if len(self) != len(rdsMode) {
		t.Fatalf("%d checks, %d in RDS mode", len(self), len(rdsMode))
	}
	for i := range self {
		if self[i].ID != rdsMode[i].ID || self[i].Title != rdsMode[i].Title {
			t.Errorf("check %d: %s / %s", i, self[i].ID, rdsMode[i].ID)
		}
		if strings.Contains(rdsMode[i].Remediation.SQL, "ALTER SYSTEM") {
			t.Errorf("%s: RDS remediation %q uses ALTER SYSTEM", rdsMode[i].ID, rdsMode[i].Remediation.SQL)
		}
		if _, ok := rdsFixes[self[i].ID]; ok && !strings.Contains(rdsMode[i].Remediation.Command, "modify-db-parameter-group") {
			t.Errorf("%s: RDS remediation %+v is no parameter-group change", self[i].ID, rdsMode[i].Remediation)
		}
	}
}
