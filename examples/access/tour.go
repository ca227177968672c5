package main

import (
	"context"
	"fmt"
	"time"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/examples/internal/cli"
)

// tour runs every command on the demo world, explaining each step.
func tour(ctx context.Context, env *cli.Env) error {
	start := time.Now()
	w, err := demoWorld(ctx)
	if err != nil {
		return err
	}
	env.Printf("Demo world: hosts web1, web2 (group web) and db1 (group db), in memory.\n")
	env.Printf("Team file: alice (backend, sudo), bob (dba, sudo on db hosts), carol (expired 2020-01-31); keys generated now.\n")
	env.Printf("Real hosts: access COMMAND --inventory hosts.yaml (access -h explains).\n")

	step := func(title string) { env.Printf("\n== %s\n", title) }
	step("plan: what reconcile would change")
	if _, err := runOn(ctx, env, w, "plan", nil, access.Options{}); err != nil {
		return err
	}
	step("grant: apply it")
	if err := runChecked(ctx, env, w, "grant", nil); err != nil {
		return err
	}
	step("grant again: nothing left to do")
	if err := runChecked(ctx, env, w, "grant", nil); err != nil {
		return err
	}

	step("bob leaves: removed from the team file, then reconcile")
	delete(w.keys, "bob")
	tf, err := access.ParseTeamFile(ctx, "demo-team.yaml", []byte(demoTeamFile(w.keys)), access.LoadOptions{})
	if err != nil {
		return fmt.Errorf("demo team file: %w", err)
	}
	w.team = tf
	if err := runChecked(ctx, env, w, "reconcile", nil); err != nil {
		return err
	}

	step("audit: every host against the team file")
	rep, failed := auditHosts(ctx, env, w, 0)
	if len(failed) > 0 {
		return &cli.PartialError{Failed: failed}
	}
	rep.Sort()
	var shown int
	for _, f := range rep.Findings {
		if f.Status == access.StatusFail && f.Severity >= access.SeverityHigh {
			env.Printf("  %-6s %s\n         %s: %s\n", f.Severity, f.CheckID, f.Resource, f.Evidence)
			shown++
		}
	}
	s := rep.Summary()
	env.Printf("  %d checks passed, %d failed (%d at high or above shown; access audit --format sarif|junit|json for the full report)\n", s.Of(access.StatusPass), s.Of(access.StatusFail), shown)

	step("cert: a short-lived certificate instead of a key on every host")
	if err := certDemo(env, access.CAOptions{}); err != nil {
		return err
	}
	step("krl: revoke one certificate everywhere, now")
	if err := krlTour(ctx, env, w); err != nil {
		return err
	}
	env.Printf("\nDone in %s. Exit codes: 0 ok, 1 findings at or above --fail-on (access audit), 2 usage, 3 hosts failed.\n", time.Since(start).Round(time.Millisecond))
	return nil
}

func runChecked(ctx context.Context, env *cli.Env, w *world, cmd string, users []string) error {
	res, err := runOn(ctx, env, w, cmd, users, access.Options{})
	if err != nil {
		return err
	}
	return partial(res)
}
