package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/examples/internal/cli"
)

// target is one thing to audit: a database, a Docker engine, an SSH host,
// an AWS audit, a path to lint, a TLS endpoint.
type target struct {
	// name names it in the output and in the report ("postgres
	// 127.0.0.1:5432"); it never carries a credential.
	name string
	// checks are the checks its audit runs, for the report's rules.
	checks []access.Check
	// audit connects and audits, returning its findings.
	audit func(ctx context.Context) ([]access.Finding, error)
	// qualify prefixes every finding's resource with the target's name,
	// for audits whose resources name nothing beyond the target ("setting
	// ssl", "role app"), so two servers' findings stay apart.
	qualify bool
}

// reachable is the check a target that could not be audited fails with a
// check error, so every report format says which target and why.
var reachable = access.Check{
	ID:       "harden.target.reachable",
	Title:    "target could not be audited",
	Severity: access.SeverityHigh,
	Remediation: access.Remediation{
		Text: "Check the target's address, credentials and network path, then run the audit again: until it runs, its checks are unknown, not passing.",
	},
	Tags: []string{"harden"},
}

// auditTargets audits every target, a few at once, each within timeout,
// and returns one report plus the targets that could not be audited.
func auditTargets(ctx context.Context, env *cli.Env, say sayer, targets []target, timeout time.Duration, reportTarget string) (*access.Report, []string) {
	rep := &access.Report{
		Tool:    access.Tool{Name: "opskit-harden"},
		Name:    "harden",
		Target:  reportTarget,
		Started: time.Now(),
	}
	seen := map[string]bool{}
	for _, t := range targets {
		for _, c := range t.checks {
			if !seen[c.ID] {
				seen[c.ID] = true
				rep.Checks = append(rep.Checks, c)
			}
		}
	}
	rep.Checks = append(rep.Checks, reachable)
	results := make([]struct {
		findings []access.Finding
		err      error
		took     time.Duration
	}, len(targets))
	bar := env.Progress(len(targets), "audit")
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			tctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			start := time.Now()
			fs, err := t.audit(tctx)
			results[i].findings, results[i].err, results[i].took = fs, err, time.Since(start)
			bar.Add(1)
		}()
	}
	wg.Wait()
	bar.Finish()
	var failed []string
	for i, t := range targets {
		r := results[i]
		for _, f := range r.findings {
			if t.qualify {
				f.Resource = t.name + " " + f.Resource
			}
			rep.Findings = append(rep.Findings, f)
		}
		if r.err != nil {
			failed = append(failed, t.name)
			rep.Findings = append(rep.Findings, reachable.Errored(t.name, r.err))
			say("  %-44s FAILED: %v\n", t.name, r.err)
			env.Event("target failed", "target", t.name, "error", r.err.Error())
			continue
		}
		s := (&access.Report{Findings: r.findings}).Summary()
		say("  %-44s %3d checks, %3d failing (%s)\n", t.name, s.Total, s.Fail+s.Error, r.took.Round(time.Millisecond))
		env.Event("target audited", "target", t.name, "findings", s.Total, "failing", s.Fail+s.Error, "took", r.took.String())
	}
	rep.Finished = time.Now()
	return rep, failed
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// sayer prints a line for people: on standard output, or on standard
// error when the report itself goes to standard output in a format for
// machines; nothing with --json.
type sayer func(format string, args ...any)

func newSayer(env *cli.Env, f access.Format, out string) sayer {
	w := env.Stdout
	if out == "" && f != access.FormatTable {
		w = env.Stderr
	}
	return func(format string, args ...any) {
		if !env.JSON {
			fmt.Fprintf(w, format, args...)
		}
	}
}
