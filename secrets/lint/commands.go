package lint

import (
	"regexp"
	"strings"
)

// shellWord matches one shell word: quoted, a command substitution
// ($(...) or backquotes, whose output is only known when the command
// runs), or a bare word.
const shellWord = `("[^"]*"|'[^']*'|\$\([^)]*\)|` + "`[^`]*`" + `|[^\s;&|<>()'"]+)`

// commandRule finds a secret written on a command line; group 1 (or the
// last group) is the secret.
type commandRule struct {
	kind string
	re   *regexp.Regexp
	// user splits "user:password" and keeps the password.
	user bool
}

var commandRules = []commandRule{
	{"password flag", regexp.MustCompile(`(?i)(?:^|\s)--?(?:password|passwd|pass|token|api-?key|secret|client-secret|access-token|auth-token|private-key|db-password|admin-password|root-password|secret-key|requirepass|masterauth)(?:=|\s+)` + shellWord), false},
	{"mysql -p password", regexp.MustCompile(`\bmysql(?:dump|admin|sh)?\b[^;&|\n]*?\s-p([^\s;&|'"-][^\s;&|'"]*)`), false},
	{"docker login -p password", regexp.MustCompile(`\b(?:docker|podman|buildah)\s+login\b[^;&|\n]*?\s-p\s+` + shellWord), false},
	{"sshpass -p password", regexp.MustCompile(`\bsshpass\s+-p\s*` + shellWord), false},
	{"lftp -u user,password", regexp.MustCompile(`\blftp\b[^;&|\n]*?\s-u\s+[^,\s]+,([^\s;&|'"]+)`), false},
	{"user:password credentials", regexp.MustCompile(`(?:^|\s)(?:-u|--user|--proxy-user)\s+` + shellWord), true},
	{"Authorization header", regexp.MustCompile(`(?i)authorization:\s*(?:bearer|basic|token)\s+([^\s"'\\;&|]+)`), false},
	{"password piped to chpasswd", regexp.MustCompile(`\becho\s+(?:-e\s+)?["']?[A-Za-z0-9_.-]+:([^\s"'|]+)["']?\s*\|\s*(?:sudo\s+)?chpasswd`), false},
	{"secret piped to a login", regexp.MustCompile(`\b(?:echo|printf)\s+(?:-n\s+)?` + shellWord + `\s*\|\s*(?:docker|podman|helm|oras)\s+(?:registry\s+)?login\b`), false},
	{"npm registry token", regexp.MustCompile(`(?:_authToken|_auth|_password)(?:\s*=\s*|\s+)([^\s"'\\;&|]+)`), false},
	{"htpasswd -b password", regexp.MustCompile(`\bhtpasswd\s+-[A-Za-z]*b[A-Za-z]*\s+\S+\s+\S+\s+` + shellWord), false},
	{"OpenSSL pass phrase", regexp.MustCompile(`-pass(?:in|out)?\s+pass:([^\s;&|'"]+)`), false},
}

// assignment matches NAME=value in a command (env prefixes, export,
// --build-arg, docker run -e).
// It also finds name=value inside quoted form data and query strings
// (-d "token=...", ?api_key=...).
var assignment = regexp.MustCompile(`(?:^|[\s;&|("'?])(?:export\s+|--build-arg[=\s]+|-e\s+|--env[=\s]+)?([A-Za-z_][A-Za-z0-9_]*)=` + shellWord)

// awsConfigureSet matches `aws configure set NAME VALUE`.
var awsConfigureSet = regexp.MustCompile(`\baws\s+configure\s+set\s+([A-Za-z_.]+)\s+` + shellWord)

// findInCommand returns the secrets written on a shell command line:
// credential formats anywhere, literal values of secret-looking
// assignments (TOKEN=..., export DB_PASSWORD=...), and the arguments
// that take a secret (--password X, mysql -pX, curl -u user:pass,
// Authorization headers, passwords piped to chpasswd or docker login).
// References ($TOKEN, "$(cat /run/secrets/x)") are not secrets: that is
// the fixed form.
func findInCommand(cmd string, names nameJudge) []span {
	out := findTokens(cmd)
	add := func(kind string, start, end int) {
		v := cmd[start:end]
		inner := unquote(v)
		if inner != v {
			start += strings.Index(v, inner)
			end = start + len(inner)
			v = inner
		}
		if v == "" || harmless(v) {
			return
		}
		out = append(out, span{kind: kind, start: start, end: end})
	}
	for _, r := range commandRules {
		for _, m := range r.re.FindAllStringSubmatchIndex(cmd, -1) {
			s, e := m[len(m)-2], m[len(m)-1]
			if s < 0 {
				continue
			}
			if r.user {
				v := unquote(cmd[s:e])
				i := strings.IndexByte(v, ':')
				if i < 0 {
					continue
				}
				off := strings.Index(cmd[s:e], v) + s
				s, e = off+i+1, off+len(v)
			}
			add(r.kind, s, e)
		}
	}
	for _, m := range assignment.FindAllStringSubmatchIndex(cmd, -1) {
		if names.class(cmd[m[2]:m[3]]) == nameSecret {
			add(cmd[m[2]:m[3]]+" assignment", m[4], m[5])
		}
	}
	for _, m := range awsConfigureSet.FindAllStringSubmatchIndex(cmd, -1) {
		if names.class(cmd[m[2]:m[3]]) == nameSecret {
			add("aws configure "+cmd[m[2]:m[3]], m[4], m[5])
		}
	}
	return mergeSpans(out)
}
