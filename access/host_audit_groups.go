package access

import (
	"context"
	"strings"

	"github.com/opskit-dev/opskit/internal/audit"
)

// privilegedGroupChecker reports every account, other than root itself,
// that is a member of one of PrivilegedGroups or has GID 0 as its primary
// group: each is root or close to it. Whether the team file allowed the
// membership (privileged_groups) is for the reader to weigh; a waiver
// accepts one that is meant.
func privilegedGroupChecker() audit.Checker[*hostTarget] {
	c := Check{ID: "access.host.users.privileged_groups", Title: "an account is in a group that is root or close to it", Severity: SeverityMedium,
		Remediation: Remediation{Text: "Remove the account from the group (gpasswd -d USER GROUP), or waive the finding where the membership is meant (the team file's privileged_groups)."},
		Tags:        []string{"host", "users"}}
	return audit.Checker[*hostTarget]{Check: c, Func: func(_ context.Context, t *hostTarget) ([]Finding, error) {
		var out []Finding
		for _, a := range t.state.Accounts {
			if a.Name == "root" {
				continue
			}
			var in []string
			if a.GID == 0 {
				in = append(in, "root (primary group, GID 0)")
			}
			for _, g := range a.Groups {
				if IsPrivilegedGroup(g) {
					in = append(in, g)
				}
			}
			if len(in) == 0 {
				continue
			}
			ev := "member of " + strings.Join(in, ", ")
			if a.Managed {
				ev += " (account managed by opskit)"
			}
			out = append(out, c.Fail("host "+t.name+" user "+a.Name, ev))
		}
		if len(out) == 0 {
			out = append(out, c.Pass("host "+t.name))
		}
		return out, nil
	}}
}
