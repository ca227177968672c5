package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/examples/internal/cli"
)

// harden loads the targets (or the demo world), audits them and writes
// the report; the error chooses the exit code.
func harden(ctx context.Context, env *cli.Env, o *options) error {
	format, err := access.ParseFormat(o.format)
	if err != nil {
		return cli.Usagef("--format: %v", err)
	}
	var threshold access.Severity
	if o.failOn != "none" {
		if threshold, err = access.ParseSeverity(o.failOn); err != nil {
			return cli.Usagef("--fail-on: %v", err)
		}
	}
	if o.timeout <= 0 {
		return cli.Usagef("--timeout: must be positive")
	}
	c, cfg, err := loadConfig(o)
	if err != nil {
		return err
	}
	say := newSayer(env, format, o.out)
	var targets []target
	reportTarget := ""
	if c.empty() {
		d, err := newDemo(ctx)
		if err != nil {
			return fmt.Errorf("demo world: %w", err)
		}
		defer d.close()
		targets, reportTarget = d.targets(), "demo world"
		if c.Waivers == "" {
			c.Waivers = d.waiversPath()
		}
		say("(demo world built from opskit's fakes, with known misconfigurations; name targets with flags or --config)\n")
	} else {
		r := newResolver(env, c, cfg)
		defer r.close()
		if targets, err = r.targets(ctx); err != nil {
			return err
		}
		reportTarget = plural(len(targets), "target", "targets")
	}
	var ws []access.Waiver
	if c.Waivers != "" {
		if ws, err = access.LoadWaivers(c.Waivers); err != nil {
			return &cli.ConfigError{File: c.Waivers, Reason: err.Error()}
		}
	}
	say("auditing %s:\n", plural(len(targets), "target", "targets"))
	rep, failed := auditTargets(ctx, env, say, targets, o.timeout, reportTarget)
	if sig := cli.Signal(ctx); sig != nil {
		return &cli.PartialError{Failed: []string{"interrupted by " + sig.String() + " before the audit finished"}}
	}
	rep.ApplyWaivers(time.Now(), ws)
	rep.Sort()
	if err := writeReport(env, say, rep, format, o.out, o.passes); err != nil {
		return err
	}
	if len(failed) > 0 {
		return &cli.PartialError{Failed: failed}
	}
	if o.failOn != "none" && rep.ExitCode(threshold) != access.ExitOK {
		return &cli.FindingsError{Count: len(rep.AtOrAbove(threshold)), Threshold: o.failOn}
	}
	return nil
}

// writeReport writes rep to out (or standard output), and one JSON record
// per failing finding with --json.
func writeReport(env *cli.Env, say sayer, rep *access.Report, f access.Format, out string, passes bool) error {
	for _, fd := range rep.Findings {
		if fd.Failing() {
			env.Event("finding", "check", fd.CheckID, "severity", fd.Severity.String(), "status", fd.Status.String(), "resource", fd.Resource, "evidence", fd.Evidence)
		}
	}
	switch {
	case out != "":
		if err := writeReportFile(out, rep, f); err != nil {
			return err
		}
	case env.JSON:
		// The findings went out as records.
	default:
		var err error
		if f == access.FormatTable {
			say("\n")
			err = rep.WriteTableWith(env.Stdout, access.TableOptions{Passes: passes, NotApplicable: passes})
		} else {
			err = rep.Write(env.Stdout, f)
		}
		if err != nil {
			return fmt.Errorf("write report: %w", err)
		}
	}
	s := rep.Summary()
	say("\n%d checks passed, %d failed, %d could not decide, %d waived, %d not applicable", s.Pass, s.Fail, s.Error, s.Waived, s.NotApplicable)
	if out != "" {
		say("; %s report written to %s", f, out)
	}
	say("\n")
	return nil
}

func writeReportFile(out string, rep *access.Report, f access.Format) error {
	file, err := os.Create(out)
	if err != nil {
		return cli.Usagef("--out: %v", err)
	}
	if err := rep.Write(file, f); err != nil {
		file.Close()
		return fmt.Errorf("write report: %w", err)
	}
	if err := file.Close(); err != nil {
		return fmt.Errorf("write report %s: %w", out, err)
	}
	return nil
}
