package main

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/opskit-dev/opskit/examples/internal/cli"
	"github.com/opskit-dev/opskit/scaling"
)

// printer prints decisions and remembers which groups last failed.
type printer struct {
	env *cli.Env
	// sim prints simulated time since start, and only changes.
	sim   bool
	start time.Time
	// width is the group column's width.
	width int

	mu      sync.Mutex
	failed  map[string]string
	changes map[scaling.Direction]int
}

func newPrinter(env *cli.Env, sim bool) *printer {
	return &printer{env: env, sim: sim, width: 10, failed: map[string]string{}, changes: map[scaling.Direction]int{}}
}

func (p *printer) decision(d scaling.Decision) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if d.Err != nil {
		p.failed[d.Group] = d.Err.Error()
	} else {
		delete(p.failed, d.Group)
	}
	if d.Direction != scaling.Hold {
		p.changes[d.Direction]++
	}
	errText := ""
	if d.Err != nil {
		errText = d.Err.Error()
	}
	p.env.Event("decision", "group", d.Group, "at", d.At, "current", d.Current, "desired", d.Desired,
		"direction", d.Direction.String(), "reason", d.Reason, "ready", d.Ready, "starting", d.Starting,
		"terminating", d.Terminating, "min", d.Min, "max", d.Max, "dry_run", d.DryRun, "applied", d.Applied, "error", errText)
	if p.sim && d.Direction == scaling.Hold && d.Err == nil && !p.env.Verbose {
		return
	}
	when := d.At.Format("15:04:05")
	if p.sim {
		when = "t+" + clock(d.At.Sub(p.start))
	}
	arrow := fmt.Sprintf("%d", d.Current)
	if d.Desired != d.Current {
		arrow = fmt.Sprintf("%d -> %d", d.Current, d.Desired)
	}
	tag := d.Direction.String()
	switch {
	case d.Err != nil:
		tag = "ERROR"
	case d.DryRun && d.Direction != scaling.Hold:
		tag += " (dry run, not applied)"
	}
	p.env.Printf("%s  %-*s %-8s %s: %s\n", when, p.width, d.Group, arrow, tag, d.Reason)
	if d.Err != nil {
		p.env.Printf("%s  %-*s %v\n", when, p.width, d.Group, d.Err)
	}
	if p.env.Verbose {
		for _, r := range d.Policies {
			p.env.Printf("           %s: %s\n", r.Policy, r.Reason)
		}
	}
}

// failures is a *cli.PartialError naming the groups whose last round failed.
func (p *printer) failures() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.failed) == 0 {
		return nil
	}
	var names []string
	for g, e := range p.failed {
		names = append(names, g+": "+e)
	}
	slices.Sort(names)
	return &cli.PartialError{Failed: names}
}

func clock(d time.Duration) string {
	d = d.Round(time.Second)
	return fmt.Sprintf("%02d:%02d:%02d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
}
