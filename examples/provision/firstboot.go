package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/examples/internal/cli"
	"github.com/opskit-dev/opskit/scaling/awsec2"
)

// firstBoot is a launch template's access section rendered: the user data
// that gives new instances the team's keys, and what plans say of it.
type firstBoot struct {
	userData []byte
	// users counts the users who get in; teamFile and hostGroups say from
	// where.
	users      int
	teamFile   string
	hostGroups []string
}

// note is what plans add to a launch template change that writes this
// user data: who gets in, never the keys (the change's own summary has
// the size and SHA-256).
func (f *firstBoot) note() string {
	return fmt.Sprintf("access: %d users of %s (host groups %s)", f.users, f.teamFile, strings.Join(f.hostGroups, ", "))
}

// teamSource reads and validates the team file a configuration names.
type teamSource func(ctx context.Context, name string) (*access.TeamFile, error)

// fileTeams reads team files from disk, relative to the configuration
// file's directory.
func fileTeams(configPath string) teamSource {
	dir := filepath.Dir(configPath)
	return func(ctx context.Context, name string) (*access.TeamFile, error) {
		if !filepath.IsAbs(name) {
			name = filepath.Join(dir, name)
		}
		return access.LoadTeamFile(ctx, name, access.LoadOptions{})
	}
}

// embeddedTeams reads team files from memory (the demo's).
func embeddedTeams(files map[string][]byte) teamSource {
	return func(ctx context.Context, name string) (*access.TeamFile, error) {
		data, ok := files[name]
		if !ok {
			return nil, fmt.Errorf("%s: no such embedded file", name)
		}
		return access.ParseTeamFile(ctx, name, data, access.LoadOptions{})
	}
}

// renderAccess loads the launch template's team file and renders its
// user data, reporting problems against the configuration's fields; a
// problem in the team file names the team file's own line too.
func (c *config) renderAccess(ctx context.Context, cfg *cli.Config, teams teamSource, now time.Time) cli.ConfigErrors {
	if c.AutoScaling == nil || c.AutoScaling.LaunchTemplate.Access == nil {
		return nil
	}
	lt := &c.AutoScaling.LaunchTemplate
	a := lt.Access
	const field = "autoscaling.launch_template.access"
	var errs cli.ConfigErrors
	add := func(field, format string, args ...any) { errs = append(errs, cfg.Errorf(field, format, args...)) }
	if a.TeamFile == "" {
		add(field+".team_file", "required: the team file whose keys instances get")
	}
	if len(a.HostGroups) == 0 {
		add(field+".host_groups", "required: the team file's host groups the instances are in")
	}
	if len(errs) > 0 {
		return errs
	}
	tf, err := teams(ctx, a.TeamFile)
	if err != nil {
		var ves access.ValidationErrors
		if errors.As(err, &ves) {
			for _, ve := range ves {
				add(field+".team_file", "%v", ve)
			}
		} else {
			add(field+".team_file", "%v", err)
		}
		return errs
	}
	for i, g := range a.HostGroups {
		if _, ok := tf.HostGroups[g]; !ok {
			add(fmt.Sprintf("%s.host_groups[%d]", field, i), "host group %q is not in %s", g, a.TeamFile)
		}
	}
	if len(errs) > 0 {
		return errs
	}
	users, err := tf.UsersFor(a.HostGroups, now)
	if err != nil {
		add(field+".host_groups", "%v", err)
		return errs
	}
	data, err := access.UserData(tf, a.HostGroups, access.UserDataOptions{Now: func() time.Time { return now }})
	if err != nil {
		add(field, "%v", err)
		return errs
	}
	lt.firstBoot = &firstBoot{userData: data, users: len(users), teamFile: a.TeamFile, hostGroups: a.HostGroups}
	return nil
}

// withAccess adds the access note to the launch template change that
// writes its user data (a new template, or a version whose user data
// differs from the live one's).
func withAccess(fb *firstBoot, changes []awsec2.Change) []string {
	out := lines(changes)
	if fb == nil {
		return out
	}
	want := awsec2.UserDataSummary(fb.userData)
	for i, c := range changes {
		if c.Resource != "launch template" {
			continue
		}
		have, _, isNew := strings.Cut(c.Detail, " -> ")
		if c.Op == "create" || (isNew && !strings.Contains(have, want)) {
			out[i] += "; " + fb.note()
		}
	}
	return out
}
