package main

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/examples/internal/cli"
)

const provisionUsage = `access %[1]s: %[2]s

Usage: access %[1]s [flags]%[3]s

Hosts come from --inventory; without it the demo world is used.`

var provisionHelp = map[string]string{
	"plan":      "show, host by host, what reconcile would change; nothing is applied.",
	"grant":     "create or update every user the team file lets into each host's groups; nobody is removed.",
	"reconcile": "grant, and revoke every account opskit manages that the team file no longer lets in (removed or expired users).",
	"revoke":    "remove (or lock, with --revoke-mode lock) the named users on every host where opskit manages them.",
}

func provision(ctx context.Context, env *cli.Env, cmd string, args []string) error {
	users := ""
	if cmd == "revoke" {
		users = " USER..."
	}
	fs := env.Flags("access "+cmd, fmt.Sprintf(provisionUsage, cmd, provisionHelp[cmd], users))
	var hf hostFlags
	hf.register(fs)
	mode := fs.String("revoke-mode", "remove", "what revoking does: remove (userdel -r) or lock (keep the home for forensics)")
	if err := env.Parse(fs, args); err != nil {
		return err
	}
	if cmd == "revoke" && fs.NArg() == 0 {
		return cli.Usagef("revoke needs at least one user name")
	}
	if cmd != "revoke" && fs.NArg() > 0 {
		return cli.Usagef("unexpected argument %q", fs.Arg(0))
	}
	for _, u := range fs.Args() {
		if err := access.ValidateUserName(u); err != nil {
			return cli.Usagef("%v", err)
		}
	}
	opts := access.Options{Concurrency: hf.concurrency, HostTimeout: hf.timeout}
	switch *mode {
	case "remove":
	case "lock":
		opts.Revoke = access.RevokeLock
	default:
		return cli.Usagef("--revoke-mode %q: want remove or lock", *mode)
	}
	w, err := hf.load(ctx, env)
	if err != nil {
		return err
	}
	defer w.close()
	if w.demo {
		env.Printf("(demo world: 3 in-memory hosts; pass --inventory for real ones)\n")
		if cmd == "revoke" {
			// Something to revoke: the demo hosts start empty.
			p, _ := access.NewProvisioner(access.Options{})
			if _, err := p.Grant(ctx, w.team, w.targets); err != nil {
				return err
			}
		}
	}
	res, err := runOn(ctx, env, w, cmd, fs.Args(), opts)
	if err != nil {
		return err
	}
	return partial(res)
}

// runOn runs one provisioning command with a progress bar over the hosts
// and prints what happened on each.
func runOn(ctx context.Context, env *cli.Env, w *world, cmd string, users []string, opts access.Options) (*access.Result, error) {
	bar := env.Progress(len(w.targets), cmd)
	opts.Progress = func(access.HostResult) { bar.Add(1) }
	p, err := access.NewProvisioner(opts)
	if err != nil {
		return nil, cli.Usagef("%v", err)
	}
	var res *access.Result
	switch cmd {
	case "plan":
		res, err = p.Plan(ctx, w.team, w.targets)
	case "grant":
		res, err = p.Grant(ctx, w.team, w.targets)
	case "reconcile":
		res, err = p.Reconcile(ctx, w.team, w.targets)
	case "revoke":
		res, err = p.Revoke(ctx, users, w.targets)
	}
	bar.Finish()
	if err != nil {
		if errors.Is(err, access.ErrInvalid) {
			return nil, cli.Usagef("%v", err)
		}
		return nil, err
	}
	printResult(env, cmd, res)
	return res, nil
}

func printResult(env *cli.Env, cmd string, res *access.Result) {
	for _, h := range res.Hosts {
		switch {
		case h.Err != nil:
			env.Printf("  %-8s FAILED: %v\n", h.Host, h.Err)
		case !h.Changed():
			env.Printf("  %-8s no change\n", h.Host)
		case h.Applied:
			env.Printf("  %-8s %s applied\n", h.Host, plural(len(h.Changes), "change", "changes"))
		default:
			env.Printf("  %-8s %s planned\n", h.Host, plural(len(h.Changes), "change", "changes"))
		}
		if cmd != "grant" || env.Verbose {
			for _, c := range h.Changes {
				env.Printf("             %s\n", c)
			}
		}
		changes := make([]string, len(h.Changes))
		for i, c := range h.Changes {
			changes[i] = c.String()
		}
		errText := ""
		if h.Err != nil {
			errText = h.Err.Error()
		}
		env.Event("host", "command", cmd, "host", h.Host, "changes", changes, "applied", h.Applied, "error", errText, "duration", h.Duration.String())
	}
}

// partial turns failed hosts into a *cli.PartialError naming them.
func partial(res *access.Result) error {
	var failed []string
	for _, h := range res.Hosts {
		if h.Err != nil {
			failed = append(failed, h.Host)
		}
	}
	if len(failed) == 0 {
		return nil
	}
	slices.Sort(failed)
	return &cli.PartialError{Failed: failed}
}
