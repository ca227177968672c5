package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/jackc/pgx/v5"

	"github.com/opskit-dev/opskit/database"
	rdsaudit "github.com/opskit-dev/opskit/database/rds"
)

// postgresTarget audits the PostgreSQL server the DSN (or the PG*
// variables) names. The target is named by host, port and database only:
// a DSN may hold a password.
func (r *resolver) postgresTarget(p *postgresConfig) (target, error) {
	pc, err := pgx.ParseConfig(p.DSN)
	if err != nil {
		// pgx's parse errors quote no password, but a DSN may hold one
		// in a form it did not parse: name the field, not the value.
		return target{}, r.cfg.Errorf("postgres.dsn", "not a PostgreSQL connection string or URL")
	}
	if p.PasswordEnv != "" {
		pc.Password = os.Getenv(p.PasswordEnv)
	}
	if p.CAFile != "" {
		if err := database.ApplyTLS(&pc.Config, &database.TLSConfig{CAFile: expandHome(p.CAFile)}); err != nil {
			return target{}, r.cfg.Errorf("postgres.ca_file", "%v", err)
		}
	}
	opts := database.AuditOptions{}
	switch p.Mode {
	case "self-managed":
		opts.Mode = database.AuditSelfManaged
	case "rds":
		opts.Mode = database.AuditRDS
	}
	if p.LocalFiles {
		opts.Files = database.LocalFiles{}
	}
	name := "postgres " + net.JoinHostPort(pc.Host, strconv.Itoa(int(pc.Port))) + "/" + pc.Database
	checks := database.Checks()
	if p.RDSInstance != "" || p.Mode == "rds" {
		checks = database.RDSChecks()
	}
	return target{name: name, checks: checks, qualify: true, audit: func(ctx context.Context) ([]database.Finding, error) {
		if p.RDSInstance != "" {
			cfg, err := r.aws(ctx)
			if err != nil {
				return nil, err
			}
			opts.Parameters = rdsaudit.InstanceParameters{API: rds.NewFromConfig(cfg), Instance: p.RDSInstance}
			if opts.Mode == database.AuditAuto {
				opts.Mode = database.AuditRDS
			}
		}
		conn, err := pgx.ConnectConfig(ctx, pc)
		if err != nil {
			return nil, fmt.Errorf("connect: %w", err)
		}
		defer conn.Close(context.WithoutCancel(ctx))
		return database.Audit(ctx, conn, opts)
	}}, nil
}
