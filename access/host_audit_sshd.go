package access

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/opskit-dev/opskit/internal/audit"
)

// matchCheck builds a check over HostFacts.SSHDMatches: for each account
// the check covers (root only when rootOnly), bad returns evidence for one
// connection's settings s against the global settings g, or "". The
// finding is per account, naming every address a bad setting applies from.
func matchCheck(c Check, rootOnly bool, bad func(s, g map[string][]string) string) audit.Checker[*hostTarget] {
	c.Tags = append([]string{"ssh", "host", "match"}, c.Tags...)
	return audit.Checker[*hostTarget]{Check: c, Func: func(_ context.Context, t *hostTarget) ([]Finding, error) {
		if t.facts.SSHDError != "" {
			return []Finding{c.Errored("host "+t.name, fmt.Errorf("sshd -T failed: %s", t.facts.SSHDError))}, nil
		}
		if len(t.facts.SSHDMatches) == 0 {
			return []Finding{c.Errored("host "+t.name, fmt.Errorf("the host reported no per-connection sshd settings (sshd -T -C)"))}, nil
		}
		var users []string
		byUser := map[string][]string{}
		errs := map[string][]string{}
		for _, m := range t.facts.SSHDMatches {
			if rootOnly && m.User != "root" {
				continue
			}
			if !slices.Contains(users, m.User) {
				users = append(users, m.User)
			}
			if m.Error != "" {
				errs[m.User] = append(errs[m.User], m.Addr+": "+m.Error)
				continue
			}
			if ev := bad(m.Settings, t.facts.SSHD); ev != "" {
				byUser[m.User] = append(byUser[m.User], "from "+m.Addr+": "+ev)
			}
		}
		var out []Finding
		for _, u := range users {
			res := "host " + t.name + " user " + u
			switch {
			case len(byUser[u]) > 0:
				out = append(out, c.Fail(res, strings.Join(byUser[u], "; ")))
			case len(errs[u]) > 0:
				out = append(out, c.Errored(res, fmt.Errorf("sshd -T -C failed: %s", strings.Join(errs[u], "; "))))
			default:
				out = append(out, c.Pass(res))
			}
		}
		return out, nil
	}}
}

// matched returns evidence when a Match block set keyword to one of vals
// for a connection (s) while the global setting (g) is not one of them: a
// bad global setting is the global check's finding, not reported again
// for every connection.
func matched(s, g map[string][]string, keyword string, vals ...string) string {
	is := func(m map[string][]string) bool {
		v := m[keyword]
		return len(v) > 0 && slices.Contains(vals, strings.ToLower(v[0]))
	}
	if is(s) && !is(g) {
		return keyword + " " + s[keyword][0]
	}
	return ""
}

func joinEvidence(parts ...string) string {
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), ", ")
}

// matchCheckers are the checks on sshd's effective settings per account
// and client address, which see what a Match block turns on.
func matchCheckers() []audit.Checker[*hostTarget] {
	refs := []string{"CIS Debian Linux 12 5.1.x", "Lynis SSH-7408"}
	return []audit.Checker[*hostTarget]{
		matchCheck(Check{ID: "access.host.sshd.match.permit_root_login", Title: "a Match block lets root log in with a password", Severity: SeverityHigh,
			Remediation: Remediation{Text: "Remove PermitRootLogin yes from every Match block (sshd -T -C user=root,addr=ADDR shows the effective value); use prohibit-password or no."}, References: refs},
			true, func(s, g map[string][]string) string { return matched(s, g, "permitrootlogin", "yes") }),
		matchCheck(Check{ID: "access.host.sshd.match.password_authentication", Title: "a Match block lets an account log in with a password", Severity: SeverityHigh,
			Remediation: Remediation{Text: "Remove PasswordAuthentication yes and KbdInteractiveAuthentication yes from every Match block that applies to the account."}, References: refs},
			false, func(s, g map[string][]string) string {
				return joinEvidence(matched(s, g, "passwordauthentication", "yes"), matched(s, g, "kbdinteractiveauthentication", "yes"))
			}),
		matchCheck(Check{ID: "access.host.sshd.match.permit_empty_passwords", Title: "a Match block accepts empty passwords", Severity: SeverityCritical,
			Remediation: Remediation{Text: "Remove PermitEmptyPasswords yes from every Match block."}, References: refs},
			false, func(s, g map[string][]string) string { return matched(s, g, "permitemptypasswords", "yes") }),
	}
}
