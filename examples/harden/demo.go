package main

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/opskit-dev/opskit/access/netaudit"
	rdsaudit "github.com/opskit-dev/opskit/database/rds"
	"github.com/opskit-dev/opskit/scaling/awsaudit"
)

// demo is the world harden audits when no target is named: opskit's
// fakes and in-memory stand-ins, each with known misconfigurations (and
// some things done right), so the report shows every kind of finding.
type demo struct {
	// now is the demo's clock: the certificates are made relative to it.
	now     time.Time
	dir     string
	tls     *demoTLS
	targets func() []target
}

func newDemo(ctx context.Context) (*demo, error) {
	d := &demo{now: time.Now()}
	dir, err := os.MkdirTemp("", "harden-demo-")
	if err != nil {
		return nil, err
	}
	d.dir = dir
	if err := writeDemoFiles(dir); err != nil {
		d.close()
		return nil, err
	}
	if err := writeDemoWaivers(d.waiversPath(), d.now); err != nil {
		d.close()
		return nil, err
	}
	if d.tls, err = startDemoTLS(d.now); err != nil {
		d.close()
		return nil, err
	}
	rdsAPI, err := demoRDS(ctx)
	if err != nil {
		d.close()
		return nil, err
	}
	docker := demoDocker()
	cloud := demoCloud()
	now := func() time.Time { return d.now }
	d.targets = func() []target {
		ts := append(demoPostgresTargets(),
			rdsTarget("rds shop-db (rdsfake)", func(context.Context) (rdsaudit.AuditAPI, error) { return rdsAPI, nil }),
			containersTarget("docker demo engine", docker, dockerDemoOptions()),
			imageTarget(docker, demoImage),
		)
		ts = append(ts, demoHostTargets(ctx)...)
		ts = append(ts,
			networkTarget("aws network (demo account)", func(context.Context) (netaudit.EC2API, error) { return cloud, nil }, networkDemoOptions()),
			scalingTarget("aws scaling (demo account)", func(context.Context) (awsaudit.APIs, error) { return cloud.apis(), nil }),
			demoScanTarget(dir),
			tlsTarget(d.tls.weakAddr, "shop.example.com", nil, now),
			tlsTarget(d.tls.goodAddr, "api.example.com", d.tls.roots, now),
		)
		return ts
	}
	return d, nil
}

// waiversPath is the demo's waivers file, used when no other is given.
func (d *demo) waiversPath() string { return filepath.Join(d.dir, "waivers.yaml") }

func (d *demo) close() {
	if d.tls != nil {
		d.tls.close()
	}
	if d.dir != "" {
		os.RemoveAll(d.dir)
	}
}
