package main

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/opskit-dev/opskit/database"
	rdsaudit "github.com/opskit-dev/opskit/database/rds"
	"github.com/opskit-dev/opskit/database/rds/rdsfake"
)

// demoSnapshot is a self-managed PostgreSQL 15 as the audit reads it, with
// the mistakes audits find most: a trust line, md5 and clear-text
// passwords, TLS off, listening everywhere, no connection logging, a
// second superuser, PUBLIC CREATE on schema public, a group-readable
// pg_hba.conf.
func demoSnapshot() *database.Snapshot {
	set := func(kv ...string) map[string]database.Setting {
		m := map[string]database.Setting{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = database.Setting{Name: kv[i], Value: kv[i+1]}
		}
		return m
	}
	hba := "/etc/postgresql/15/main/pg_hba.conf"
	conf := "/etc/postgresql/15/main/postgresql.conf"
	data := "/var/lib/postgresql/15/main"
	return &database.Snapshot{
		Database: "shop",
		Settings: set(
			"ssl", "off", "ssl_min_protocol_version", "TLSv1", "password_encryption", "md5",
			"listen_addresses", "*", "authentication_timeout", "60",
			"log_connections", "off", "log_disconnections", "off", "log_statement", "none",
			"log_min_duration_statement", "-1", "log_line_prefix", "%m [%p] ", "log_file_mode", "0640",
			"log_min_messages", "warning", "log_min_error_statement", "error",
			"shared_preload_libraries", "", "archive_mode", "off", "archive_command", "", "archive_library", "",
			"data_directory", data, "data_directory_mode", "0700", "hba_file", hba, "config_file", conf,
		),
		HBA: []database.HBARule{
			{File: hba, Line: 118, Type: "local", Databases: []string{"all"}, Users: []string{"postgres"}, Method: "peer"},
			{File: hba, Line: 121, Type: "host", Databases: []string{"all"}, Users: []string{"all"}, Address: "127.0.0.1", Netmask: "255.255.255.255", Method: "scram-sha-256"},
			{File: hba, Line: 124, Type: "host", Databases: []string{"shop"}, Users: []string{"app"}, Address: "10.0.0.0", Netmask: "255.0.0.0", Method: "md5"},
			{File: hba, Line: 127, Type: "host", Databases: []string{"all"}, Users: []string{"all"}, Address: "0.0.0.0", Netmask: "0.0.0.0", Method: "trust"},
			{File: hba, Line: 130, Type: "host", Databases: []string{"replication"}, Users: []string{"replicator"}, Address: "10.0.3.0", Netmask: "255.255.255.0", Method: "password"},
		},
		Roles: []database.Role{
			{Name: "postgres", Superuser: true, Login: true, ConnLimit: -1, Password: "scram-sha-256"},
			{Name: "dba_bob", Superuser: true, Login: true, ConnLimit: -1, Password: "scram-sha-256"},
			{Name: "app", Login: true, ConnLimit: 100, Password: "md5"},
			{Name: "reporting", Login: true, ConnLimit: 10, Password: ""},
			{Name: "replicator", Login: true, ConnLimit: 5, Password: "scram-sha-256"},
		},
		PublicSchemaCreateByPublic: true,
		PublicSchemaExists:         true,
		Extensions:                 map[string]bool{"plpgsql": true},
		// The auditing account could stat the data directory and
		// pg_hba.conf but not postgresql.conf: that check cannot decide.
		FileModes: map[string]fs.FileMode{"data_directory": 0o700, "hba_file": 0o644},
		FileErrs:  map[string]error{"config_file": fmt.Errorf("stat %s: permission denied", conf)},
	}
}

// demoRDSSnapshot is the same database moved to Amazon RDS, as the audit's
// RDS mode reads it: the parameter group's values decide the settings, and
// what RDS manages itself (pg_hba.conf, files, listen_addresses) is not
// applicable, with the reason.
func demoRDSSnapshot() *database.Snapshot {
	s := demoSnapshot()
	s.RDS = "setting rds.extensions"
	s.HBA, s.FileModes, s.FileErrs = nil, nil, nil
	s.Roles = []database.Role{
		{Name: "shop_admin", Login: true, ConnLimit: -1, Password: "unknown", MemberOf: []string{"rds_superuser"}},
		{Name: "app", Login: true, ConnLimit: 100, Password: "unknown"},
	}
	s.ParameterGroup = "shop-db-postgres15"
	s.Parameters = map[string]string{"rds.force_ssl": "0", "log_connections": "1", "log_disconnections": "1", "password_encryption": "scram-sha-256"}
	return s
}

// demoPostgresTargets audit the two snapshots, as database.Audit would
// after collecting them from the servers.
func demoPostgresTargets() []target {
	return []target{
		{name: "postgres db1:5432/shop", checks: database.Checks(), qualify: true, audit: func(ctx context.Context) ([]database.Finding, error) {
			return database.AuditSnapshot(ctx, demoSnapshot(), database.AuditOptions{}), nil
		}},
		{name: "postgres shop-db.rds:5432/shop", checks: database.RDSChecks(), qualify: true, audit: func(ctx context.Context) ([]database.Finding, error) {
			return database.AuditSnapshot(ctx, demoRDSSnapshot(), database.AuditOptions{Mode: database.AuditRDS}), nil
		}},
	}
}

// demoRDS is an RDS region (rdsfake) with one instance made the quick way:
// public, unencrypted, no backups, default admin name and port.
func demoRDS(ctx context.Context) (rdsaudit.AuditAPI, error) {
	w := rdsfake.NewWorld()
	w.CreatingDescribes = 0
	api := w.Region("eu-west-1")
	_, err := api.CreateDBInstance(ctx, &rds.CreateDBInstanceInput{
		DBInstanceIdentifier:  aws.String("shop-db"),
		DBInstanceClass:       aws.String("db.t3.medium"),
		Engine:                aws.String("postgres"),
		EngineVersion:         aws.String("15.7"),
		AllocatedStorage:      aws.Int32(20),
		MasterUsername:        aws.String("postgres"),
		MasterUserPassword:    aws.String("demo-only-not-a-secret"),
		PubliclyAccessible:    aws.Bool(true),
		BackupRetentionPeriod: aws.Int32(0),
	})
	return api, err
}
