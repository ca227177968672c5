package containeraudit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/internal/audit"
)

var contentTrustCheck = access.Check{ID: "access.docker.content_trust", Title: "image pulls on the Docker host are not bound to content trust", Severity: access.SeverityMedium,
	Remediation: access.Remediation{Text: "Set DOCKER_CONTENT_TRUST=1 in /etc/environment (every login of every user who can pull), or enforce it in the daemon where the engine supports it (\"content-trust\": {\"mode\": \"enforced\"} in daemon.json).",
		Command: "echo DOCKER_CONTENT_TRUST=1 >>/etc/environment"},
	References: []string{"CIS Docker Benchmark 4.5"}, Tags: []string{"cis", "docker", "daemon", "supply-chain"}}

// trustAssign matches a shell or /etc/environment assignment of
// DOCKER_CONTENT_TRUST, quoted or not, exported or not.
var trustAssign = regexp.MustCompile(`^\s*(?:export\s+)?DOCKER_CONTENT_TRUST=(?:"([^"]*)"|'([^']*)'|([^\s;#"']*))\s*(?:[;#].*)?$`)

// trustPam matches a pam_env line: DOCKER_CONTENT_TRUST DEFAULT=1 or
// OVERRIDE=1.
var trustPam = regexp.MustCompile(`^\s*DOCKER_CONTENT_TRUST\s+(?:DEFAULT|OVERRIDE)=("?)([^"\s]*)("?)\s*$`)

// trustUnset matches unsetting the variable.
var trustUnset = regexp.MustCompile(`^\s*unset\s+(.*\s)?DOCKER_CONTENT_TRUST(\s|$)`)

// trustOn is the docker CLI's reading of DOCKER_CONTENT_TRUST: any
// non-empty value turns trust on unless it parses as a false boolean.
func trustOn(v string) bool {
	b, err := strconv.ParseBool(v)
	return v != "" && (err != nil || b)
}

// trustIn returns the last value a file assigns DOCKER_CONTENT_TRUST, and
// whether it assigns it; an unset line counts as setting "".
func trustIn(f access.EnvFile) (string, bool) {
	val, set := "", false
	pam := path.Base(f.Path) == ".pam_environment"
	for _, l := range strings.Split(string(f.Content), "\n") {
		if pam {
			if m := trustPam.FindStringSubmatch(l); m != nil {
				val, set = m[2], true
			}
			continue
		}
		if m := trustAssign.FindStringSubmatch(l); m != nil {
			val, set = m[1]+m[2]+m[3], true
		} else if trustUnset.MatchString(l) {
			val, set = "", true
		}
	}
	return val, set
}

// daemonEnforces reports whether daemon.json makes the engine itself
// refuse unsigned images (Mirantis Container Runtime's content-trust
// mode "enforced").
func daemonEnforces(conf []byte) (bool, error) {
	if len(conf) == 0 {
		return false, nil
	}
	var d struct {
		ContentTrust *struct {
			Mode string `json:"mode"`
		} `json:"content-trust"`
	}
	if err := json.Unmarshal(conf, &d); err != nil {
		return false, fmt.Errorf("%s does not parse: %w", access.DockerDaemonConfigFile, err)
	}
	return d.ContentTrust != nil && d.ContentTrust.Mode == "enforced", nil
}

// effectiveTrust follows a user's login through the files that set its
// environment: the system-wide ones, .pam_environment, the first of
// .bash_profile, .bash_login and .profile, then .bashrc. It returns the
// value a login ends with and the file that set it ("" when none did).
func effectiveTrust(user string, files []access.EnvFile) (string, string) {
	val, from := "", ""
	profileRead := false
	for _, f := range files {
		if f.User != "" && f.User != user {
			continue
		}
		if f.User != "" {
			switch path.Base(f.Path) {
			case ".bash_profile", ".bash_login", ".profile":
				if profileRead {
					continue
				}
				profileRead = true
			}
		}
		if v, ok := trustIn(f); ok {
			val, from = v, f.Path
		}
	}
	return val, from
}

func contentTrustChecker() audit.Checker[*containerTarget] {
	return audit.Checker[*containerTarget]{Check: contentTrustCheck, Func: func(ctx context.Context, t *containerTarget) ([]access.Finding, error) {
		h := t.opts.Host
		if h == nil {
			// After internal/audit gains a not-applicable status, this is one.
			return []access.Finding{contentTrustCheck.Errored("docker host", errors.New("not applicable: no Options.Host to read the host's daemon.json and its users' login environment from (the auditing process's own environment says nothing about the host)"))}, nil
		}
		res := "docker host " + h.Name()
		facts, err := h.Facts(ctx)
		if err != nil {
			return []access.Finding{contentTrustCheck.Errored(res, err)}, nil
		}
		enforced, err := daemonEnforces(facts.DockerDaemonConfig)
		if err != nil {
			return []access.Finding{contentTrustCheck.Errored(res, err)}, nil
		}
		if enforced {
			return []access.Finding{contentTrustCheck.Pass(res)}, nil
		}
		if len(facts.PullUsers) == 0 {
			return []access.Finding{contentTrustCheck.Errored(res, errors.New("the host reported no user who can pull images, not even root"))}, nil
		}
		var bad []string
		for _, u := range facts.PullUsers {
			switch v, from := effectiveTrust(u, facts.LoginEnv); {
			case from == "":
				bad = append(bad, u+": DOCKER_CONTENT_TRUST unset")
			case !trustOn(v):
				bad = append(bad, fmt.Sprintf("%s: DOCKER_CONTENT_TRUST=%q from %s", u, v, from))
			}
		}
		if len(bad) > 0 {
			return []access.Finding{contentTrustCheck.Fail(res, "daemon.json does not enforce content trust; "+strings.Join(bad, "; "))}, nil
		}
		return []access.Finding{contentTrustCheck.Pass(res)}, nil
	}}
}
