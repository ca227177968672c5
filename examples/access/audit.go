package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/examples/internal/cli"
)

const auditUsage = `access audit: audit every host: effective sshd settings (Match blocks
included), the algorithms sshd offers (Terrapin too), authorized keys the team
file does not declare, extra UID 0 accounts, accounts in privileged groups,
pending security updates and a pending reboot.

Usage: access audit [flags]

Exits 1 when a finding fails at or above --fail-on, 3 when a host could not
be audited (the others are still reported).`

func audit(ctx context.Context, env *cli.Env, args []string) error {
	fs := env.Flags("access audit", auditUsage)
	var hf hostFlags
	hf.register(fs)
	format := fs.String("format", "table", "report format: table, json, sarif, junit or html")
	failOn := fs.String("fail-on", "high", "exit 1 when a finding fails at or above this severity (critical, high, medium, low, info) or never (none)")
	waivers := fs.String("waivers", "", "waivers file (YAML): accepted failures with reason and expiry")
	out := fs.String("out", "", "write the report to this file instead of standard output")
	if err := env.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return cli.Usagef("unexpected argument %q", fs.Arg(0))
	}
	f, err := access.ParseFormat(*format)
	if err != nil {
		return cli.Usagef("--format: %v", err)
	}
	var threshold access.Severity
	if *failOn != "none" {
		if threshold, err = access.ParseSeverity(*failOn); err != nil {
			return cli.Usagef("--fail-on: %v", err)
		}
	}
	var ws []access.Waiver
	if *waivers != "" {
		if ws, err = access.LoadWaivers(*waivers); err != nil {
			return &cli.ConfigError{File: *waivers, Reason: err.Error()}
		}
	}
	w, err := hf.load(ctx, env)
	if err != nil {
		return err
	}
	defer w.close()
	if w.demo {
		env.Printf("(demo world: 3 in-memory hosts; pass --inventory for real ones)\n")
	}
	rep, failed := auditHosts(ctx, env, w, hf.concurrency)
	rep.ApplyWaivers(time.Now(), ws)
	rep.Sort()
	if err := writeReport(env, rep, f, *out); err != nil {
		return err
	}
	if len(failed) > 0 {
		return &cli.PartialError{Failed: failed}
	}
	if *failOn != "none" && rep.ExitCode(threshold) != access.ExitOK {
		return &cli.FindingsError{Count: len(rep.AtOrAbove(threshold)), Threshold: *failOn}
	}
	return nil
}

// auditHosts audits every target, a few at once, and returns one report
// with the names of the hosts that could not be audited.
func auditHosts(ctx context.Context, env *cli.Env, w *world, concurrency int) (*access.Report, []string) {
	if concurrency <= 0 {
		concurrency = 16
	}
	rep := &access.Report{
		Tool:    access.Tool{Name: "opskit-access"},
		Name:    "access.host",
		Target:  plural(len(w.targets), "host", "hosts"),
		Started: time.Now(),
		Checks:  access.HostChecks(),
	}
	bar := env.Progress(len(w.targets), "audit")
	var mu sync.Mutex
	var failed []string
	sem := make(chan struct{}, concurrency)
	var wg sync.WaitGroup
	for _, t := range w.targets {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			findings, err := access.AuditHost(ctx, t.Host, access.HostAuditOptions{TeamFile: w.team})
			mu.Lock()
			defer mu.Unlock()
			bar.Add(1)
			if err != nil {
				failed = append(failed, t.Host.Name())
				env.Log.Error("audit failed", "host", t.Host.Name(), "error", err.Error())
				env.Printf("  %-8s FAILED: %v\n", t.Host.Name(), err)
				return
			}
			rep.Findings = append(rep.Findings, findings...)
		}()
	}
	wg.Wait()
	bar.Finish()
	rep.Finished = time.Now()
	return rep, failed
}

func writeReport(env *cli.Env, rep *access.Report, f access.Format, out string) error {
	for _, fd := range rep.Findings {
		if fd.Failing() {
			env.Event("finding", "check", fd.CheckID, "severity", fd.Severity.String(), "status", fd.Status.String(), "resource", fd.Resource, "evidence", fd.Evidence)
		}
	}
	var w io.Writer
	switch {
	case out != "":
		file, err := os.Create(out)
		if err != nil {
			return cli.Usagef("--out: %v", err)
		}
		defer file.Close()
		w = file
	case env.JSON:
		return nil // the findings went out as records
	default:
		w = env.Stdout
	}
	if err := rep.Write(w, f); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	s := rep.Summary()
	env.Printf("%d checks passed, %d failed, %d could not decide, %d waived\n", s.Of(access.StatusPass), s.Of(access.StatusFail), s.Of(access.StatusError), s.Of(access.StatusWaived))
	return nil
}
