package database_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/opskit-dev/opskit/database"
	"github.com/opskit-dev/opskit/database/databasefake"
)

// Route reads to a replica within 1 MiB and 5 s of the primary; after a
// write, a session's reads see it.
func ExampleDialRouter() {
	ctx := context.Background()
	r, err := database.DialRouter(ctx, "postgres://app@primary.internal:5432/shop", database.RouterOptions{
		Replicas:    []string{"postgres://app@replica-1.internal:5432/shop", "postgres://app@replica-eu.internal:5432/shop"},
		MaxLagBytes: 1 << 20,
		MaxLagTime:  5 * time.Second,
		Policy:      database.LeastLag,
		DNSInterval: 30 * time.Second, // follow an RDS endpoint across failover
		// A read stuck on a hung node moves to another node after 2s.
		ReadAttemptTimeout: 2 * time.Second,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Close()

	var n int
	if err := r.QueryRow(ctx, "SELECT count(*) FROM orders").Scan(&n); err != nil {
		fmt.Println(err)
	}
	served, err := r.ReadServed(ctx, func(ctx context.Context, q database.Querier) error {
		return q.QueryRow(ctx, "SELECT count(*) FROM orders").Scan(&n)
	})
	fmt.Println(served.Node, served.Primary, served.Attempts, err) // e.g. replica-1.internal:5432 false 1 <nil>
	s := r.Session()
	_ = s.Write(ctx, func(ctx context.Context, q database.Querier) error {
		_, err := q.Exec(ctx, "INSERT INTO orders (total) VALUES ($1)", 42)
		return err
	})
	_ = s.Read(ctx, func(ctx context.Context, q database.Querier) error {
		return q.QueryRow(ctx, "SELECT count(*) FROM orders").Scan(&n) // sees the insert
	})
	for _, st := range r.Status() {
		fmt.Println(st.Node, st.Readable, st.LagBytes, st.LagTime)
	}
}

// Code that holds a *Router runs on the fake cluster in unit tests:
// writes go to the primary, reads to the standby until it falls behind.
func ExampleNewRouter() {
	ctx := context.Background()
	c := databasefake.NewCluster(1, nil)
	r, err := database.NewRouter(ctx, c.Nodes(), database.RouterOptions{MaxLagBytes: 1 << 10, CheckInterval: 10 * time.Millisecond})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Close()
	read := func() {
		served, err := r.ReadServed(ctx, func(ctx context.Context, q database.Querier) error {
			var standby bool
			return q.QueryRow(ctx, "SELECT pg_is_in_recovery()").Scan(&standby)
		})
		fmt.Println(served.Node, "primary:", served.Primary, err)
	}
	if _, err := r.Exec(ctx, "INSERT INTO orders (total) VALUES ($1)", 42); err != nil {
		fmt.Println(err)
	}
	read()
	c.PauseReplay(1)
	_ = c.Write(4 << 10) // 4 KiB behind: past MaxLagBytes
	for st, _ := r.StatusOf("node1:5432"); st.Readable; st, _ = r.StatusOf("node1:5432") {
		time.Sleep(10 * time.Millisecond) // until a probe round sees the lag
	}
	read()
	// Output:
	// node1:5432 primary: false <nil>
	// node0:5432 primary: true <nil>
}

// Decide on a simulated cluster whose standby's WAL receiver stopped: the
// standby has replayed all it received, but the primary moved on, so its
// lag grows with the clock until it leaves rotation.
func ExampleDecide() {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	c := databasefake.NewCluster(1, func() time.Time { return now })
	opts := database.RouterOptions{MaxLagTime: 2 * time.Second}
	var history []database.WALSample
	round := func() {
		d := database.Decide(opts, 0, history, c.Probes(), now)
		history = d.History
		st := d.Status[1]
		fmt.Printf("lag %v, %d bytes, readable %v\n", st.LagTime, st.LagBytes, st.Readable)
	}
	_ = c.Write(100)
	round()
	c.StopReceiver(1)
	for range 3 {
		now = now.Add(time.Second)
		_ = c.Write(100)
		round()
	}
	// Output:
	// lag 0s, 0 bytes, readable true
	// lag 1s, 100 bytes, readable true
	// lag 2s, 200 bytes, readable false
	// lag 3s, 300 bytes, readable false
}

// Audit a snapshot of a server's configuration. Against a live server, call
// database.Audit(ctx, conn, opts) instead; it collects the snapshot itself.
func ExampleAuditSnapshot() {
	snap := &database.Snapshot{
		Database: "shop",
		Settings: map[string]database.Setting{
			"password_encryption": {Name: "password_encryption", Value: "md5"},
			"listen_addresses":    {Name: "listen_addresses", Value: "localhost", Pending: "*", Context: "postmaster"},
		},
		HBA: []database.HBARule{
			{File: "pg_hba.conf", Line: 90, Type: "local", Databases: []string{"all"}, Users: []string{"postgres"}, Method: "peer"},
			{File: "pg_hba.conf", Line: 97, Type: "host", Databases: []string{"all"}, Users: []string{"all"}, Address: "0.0.0.0", Netmask: "0.0.0.0", Method: "trust"},
		},
	}
	for _, f := range database.AuditSnapshot(context.Background(), snap, database.AuditOptions{}) {
		if f.Status == database.StatusFail && (f.Severity >= database.SeverityHigh) {
			fmt.Printf("%s %s %s\n  fix: %s\n", f.Severity, f.CheckID, f.Evidence, f.Remediation.SQL)
		}
	}
	// Output:
	// critical database.pg_hba.trust method trust: host all all 0.0.0.0 0.0.0.0 trust
	//   fix: SELECT pg_reload_conf();
	// high database.pg_hba.wide_range /0 admits 2^32 addresses: host all all 0.0.0.0 0.0.0.0 trust
	//   fix: SELECT pg_reload_conf();
	// high database.pg_hba.remote_superuser all users (superusers included): host all all 0.0.0.0 0.0.0.0 trust
	//   fix: SELECT pg_reload_conf();
	// high database.pg_hba.host_without_ssl host (not hostssl) from a non-loopback address: host all all 0.0.0.0 0.0.0.0 trust
	//   fix: SELECT pg_reload_conf();
	// high database.settings.password_encryption password_encryption = "md5"
	//   fix: ALTER SYSTEM SET password_encryption = 'scram-sha-256'; SELECT pg_reload_conf();
	// high database.settings.listen_addresses listen_addresses = "*" after restart (now "localhost"): wildcard address
	//   fix: ALTER SYSTEM SET listen_addresses = '<private address>'; -- then restart
}

// The same checks on RDS: a snapshot marked as RDS (here by its
// rds_superuser role) is audited in RDS mode, settings are judged by the
// parameter group, and what RDS manages is n/a with the reason. A real
// audit reads the group with rds.InstanceParameters.
func ExampleAuditSnapshot_rds() {
	snap := &database.Snapshot{
		Database: "shop",
		RDS:      "role rds_superuser",
		Settings: map[string]database.Setting{
			"rds.force_ssl":   {Name: "rds.force_ssl", Value: "1"},
			"log_connections": {Name: "log_connections", Value: "on"},
		},
		ParameterGroup: "shop-db-params",
		Parameters:     map[string]string{"rds.force_ssl": "0", "log_connections": "1"},
		Roles: []database.Role{
			{Name: "shop_admin", Login: true, MemberOf: []string{"rds_superuser"}},
			{Name: "ops_alice", Login: true, MemberOf: []string{"rds_superuser"}},
		},
		RolesErr: errors.New("permission denied for table pg_authid"),
	}
	for _, f := range database.AuditSnapshot(context.Background(), snap, database.AuditOptions{}) {
		switch {
		case f.Status == database.StatusFail && f.Severity >= database.SeverityMedium:
			fmt.Printf("fail %s: %s\n  fix: %s\n", f.CheckID, f.Evidence, f.Remediation.Command+f.Remediation.SQL)
		case f.CheckID == "database.pg_hba.trust" || f.CheckID == "database.roles.md5_password":
			fmt.Printf("n/a  %s: %.60s...\n", f.CheckID, f.Reason)
		}
	}
	// Output:
	// n/a  database.pg_hba.trust: RDS writes pg_hba.conf itself and gives no way to read or ch...
	// fail database.pg_hba.host_without_ssl: rds.force_ssl = "0" (parameter group shop-db-params): connections without TLS are accepted
	//   fix: aws rds modify-db-parameter-group --db-parameter-group-name shop-db-params --parameters ParameterName=rds.force_ssl,ParameterValue=1,ApplyMethod=immediate
	// fail database.roles.superuser_count: 2 login roles hold rds_superuser (at most 1 wanted): shop_admin, ops_alice
	//   fix: REVOKE rds_superuser FROM <role>;
	// n/a  database.roles.md5_password: pg_authid, where password hashes are kept, is readable only ...
}

// Audit a live server and write the findings as SARIF for code scanning;
// the exit code fails CI on any high or critical failure.
func ExampleAudit() {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, "postgres://auditor@db.internal:5432/shop")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close(ctx)
	start := time.Now()
	findings, err := database.Audit(ctx, conn, database.AuditOptions{Files: database.LocalFiles{}})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := &database.Report{Tool: database.Tool{Name: "opskit", Version: "0.1.0"}, Name: "database", Target: "db.internal:5432/shop",
		Started: start, Finished: time.Now(), Checks: database.Checks(), Findings: findings}
	r.Sort()
	_ = r.WriteSARIF(os.Stdout, database.SARIFOptions{})
	os.Exit(r.ExitCode(database.SeverityHigh))
}

// The advisor over the in-memory statistics source, most urgent first: a
// table past its vacuum trigger, and one over half of its per-table freeze age.
func ExampleAdvise() {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	stats := databasefake.NewStats(func() time.Time { return now })
	_ = stats.CreateTable("public", "events", map[string]string{"autovacuum_freeze_max_age": "100000000"})
	_ = stats.CreateTable("public", "orders", nil)
	_ = stats.Insert("public", "events", 1_000_000)
	_ = stats.Insert("public", "orders", 10_000)
	for _, t := range []string{"events", "orders"} {
		_ = stats.Vacuum("public", t, false)
		_ = stats.Analyze("public", t)
	}
	stats.ConsumeXIDs(60_000_000)
	_ = stats.Delete("public", "orders", 4_000)

	advice, err := database.Advise(context.Background(), stats, now.Add(time.Hour))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range advice {
		fmt.Printf("%s %s urgency=%.1f %v\n", a.Table.Name, a.Action, a.Urgency, a.Reasons)
	}
	// Output:
	// orders vacuum-analyze urgency=2.0 [dead tuples 4000 past vacuum trigger 2050 modifications since analyze 4000 past analyze trigger 1050]
	// events vacuum-freeze urgency=1.2 [xid age 60000003 over half of freeze max age: freeze before autovacuum is forced to]
}

// Run the advice against a live database within a 10-minute window.
func ExampleRunVacuum() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, "postgres://maint@db.internal:5432/shop")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer pool.Close()
	advice, err := database.Advise(ctx, database.PGStats{Q: pool}, time.Now())
	if err != nil {
		fmt.Println(err)
		return
	}
	results, err := database.RunVacuum(ctx, database.Pool(pool), advice, database.VacuumRunOptions{
		Budget: 10 * time.Minute,
		Progress: func(p database.VacuumProgress) {
			if !p.Done {
				fmt.Printf("%s %s %d/%d\n", p.Table, p.Phase, p.HeapBlksScanned, p.HeapBlksTotal)
			}
		},
	})
	fmt.Println(len(results), err)
}

// A least-privilege plan: review the SQL, then apply it in one transaction.
func ExampleRolePlan() {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, "postgres://admin@db.internal:5432/shop")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close(ctx)
	plan := database.RolePlan{Database: "shop", RestrictConnect: true, Schemas: []database.SchemaRoles{{
		Schema: "sales", Owner: "sales_owner", ReadWrite: "sales_rw", ReadOnly: "sales_ro",
		Writers: []string{"checkout_svc"}, Readers: []string{"reporting_svc", "analyst_ann"},
	}}}
	changes, err := plan.Diff(ctx, conn) // drift report
	if err != nil {
		fmt.Println(err) // e.g. role plan: schema sales, role analyst_ann: unknown role
		return
	}
	fmt.Print(database.SQL(changes))
	if _, err := plan.Apply(ctx, conn); err != nil {
		fmt.Println(err)
	}
}

// Back up through any io.Writer (encrypt or upload it on the way), then
// prove the backup restores.
func ExampleRestoreDrill() {
	ctx := context.Background()
	opts := database.BackupOptions{DSN: "postgres://backup@db.internal:5432/shop"}
	var archive bytes.Buffer
	manifest, err := database.Backup(ctx, opts, &archive)
	if err != nil {
		fmt.Println(err)
		return
	}
	report, err := database.RestoreDrill(ctx, opts, bytes.NewReader(archive.Bytes()), manifest)
	if err != nil {
		fmt.Println(err) // wraps database.ErrCorruptArchive for a damaged archive
		return
	}
	fmt.Fprintf(os.Stdout, "restore ok=%v in %v, %d tables compared\n", report.OK, report.RestoreTime, len(report.Tables))
}

// Top statements from pg_stat_statements.
func ExampleTopStatements() {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, "postgres://monitor@db.internal:5432/shop")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close(ctx)
	top, err := database.TopStatements(ctx, conn, database.TopOptions{By: database.ByMeanTime, Limit: 5})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range top {
		fmt.Printf("%8v %6d calls  %s\n", s.MeanTime, s.Calls, s.Query)
	}
}

// A report written as SARIF through the database package's own names:
// an active waiver hides one failure, only failures and check errors
// become results, each line of pg_hba.conf keeps its line, and the exit
// code gates CI on high and critical failures.
func ExampleReport_WriteSARIF() {
	trust := database.Check{ID: "database.pg_hba.trust", Title: "pg_hba.conf allows trust authentication", Severity: database.SeverityCritical}
	ssl := database.Check{ID: "database.settings.ssl", Title: "server accepts connections without TLS", Severity: database.SeverityHigh}
	hba := "/etc/postgresql/15/main/pg_hba.conf"
	r := &database.Report{
		Tool:   database.Tool{Name: "opskit", Version: "0.1.0"},
		Name:   "database",
		Target: "db1:5432",
		Findings: []database.Finding{
			trust.Fail(hba+":102", "host all all 0.0.0.0/0 trust"),
			trust.Fail(hba+":90", "host all all ::/0 trust"),
			trust.Fail(hba+":12", "host replication replicator 10.0.0.5/32 trust"),
			trust.Pass(hba + ":3"),
			ssl.Errored("setting ssl", fmt.Errorf("permission denied for pg_settings")),
		},
	}
	waivers, err := database.ParseWaivers(strings.NewReader(`
waivers:
  - check: database.pg_hba.trust
    resource: /etc/postgresql/15/main/pg_hba.conf:12
    reason: replication from the standby only, OPS-1234
    expires: 2099-01-01
`), "waivers.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	r.ApplyWaivers(time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC), waivers)
	r.Sort()
	var sarif bytes.Buffer
	if err := r.WriteSARIF(&sarif, database.SARIFOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	printSARIF(sarif.Bytes())
	fmt.Println("exit code:", r.ExitCode(database.SeverityHigh))
	// Output:
	// automationDetails.id: database/db1:5432/
	// fail database.pg_hba.trust etc/postgresql/15/main/pg_hba.conf:90
	// fail database.pg_hba.trust etc/postgresql/15/main/pg_hba.conf:102
	// open database.settings.ssl opskit/setting%20ssl:1
	// exit code: 2
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
