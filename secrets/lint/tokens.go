package lint

import (
	"regexp"
	"strings"
)

// tokenFormat is a credential format recognised by its shape alone.
type tokenFormat struct {
	kind string
	re   *regexp.Regexp
	// keep is how many leading characters are the format's fixed prefix,
	// shown in evidence ("ghp_…"); the rest is redacted.
	keep int
}

// tokenFormats are the credential formats found anywhere, whatever the
// name around them. Each has a fixed prefix or structure that random text
// and public values (digests, UUIDs) do not have.
var tokenFormats = []tokenFormat{
	{"AWS access key ID", regexp.MustCompile(`\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b`), 4},
	{"GitHub token", regexp.MustCompile(`\bgh[pousr]_[A-Za-z0-9]{36,255}\b`), 4},
	{"GitHub fine-grained token", regexp.MustCompile(`\bgithub_pat_[A-Za-z0-9_]{82}\b`), 11},
	{"GitLab token", regexp.MustCompile(`\bglpat-[A-Za-z0-9_-]{20,}\b`), 6},
	{"Slack token", regexp.MustCompile(`\bxox[abposr]-[0-9A-Za-z-]{10,}`), 5},
	{"Slack webhook URL", regexp.MustCompile(`https://hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9+/]{40,}|https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{16,}`), 29},
	{"private key (PEM)", regexp.MustCompile(`-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----)?`), 0},
	{"JWT", regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`), 3},
	{"npm token", regexp.MustCompile(`\bnpm_[A-Za-z0-9]{36}\b`), 4},
	{"Stripe secret key", regexp.MustCompile(`\b[rs]k_live_[A-Za-z0-9]{20,}\b`), 8},
	{"Google API key", regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}\b`), 4},
	{"SendGrid API key", regexp.MustCompile(`\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b`), 3},
	{"Vault token", regexp.MustCompile(`\bhv[sb]\.[A-Za-z0-9_-]{24,}`), 4},
	{"age secret key", regexp.MustCompile(`\bAGE-SECRET-KEY-1[0-9A-Z]{58}\b`), 15},
	{"OpenAI API key", regexp.MustCompile(`\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}`), 8},
	{"Anthropic API key", regexp.MustCompile(`\bsk-ant-(?:api|admin)[0-9]{2}-[A-Za-z0-9_-]{32,}`), 7},
	{"Docker Hub token", regexp.MustCompile(`\bdckr_pat_[A-Za-z0-9_-]{27,}`), 9},
}

// span is a secret found inside a larger string.
type span struct {
	kind       string
	start, end int
	keep       int
}

func (s span) text(in string) string { return in[s.start:s.end] }

// findTokens returns the credentials in s recognised by format: the
// token formats and passwords in URLs (scheme://user:password@host).
// Examples from documentation (AWS's ...EXAMPLE keys) are not secrets.
func findTokens(s string) []span {
	var out []span
	for _, f := range tokenFormats {
		for _, m := range f.re.FindAllStringIndex(s, -1) {
			tok := s[m[0]:m[1]]
			if strings.Contains(strings.ToUpper(tok), "EXAMPLE") {
				continue
			}
			out = append(out, span{kind: f.kind, start: m[0], end: m[1], keep: f.keep})
		}
	}
	for _, m := range urlCreds.FindAllStringSubmatchIndex(s, -1) {
		if pw := s[m[2]:m[3]]; !harmless(pw) {
			out = append(out, span{kind: "password in URL", start: m[2], end: m[3]})
		}
	}
	return mergeSpans(out)
}

// mergeSpans drops spans inside an earlier, longer one.
func mergeSpans(in []span) []span {
	var out []span
next:
	for i, a := range in {
		for j, b := range in {
			if i != j && b.start <= a.start && a.end <= b.end && (b.end-b.start > a.end-a.start || j < i) {
				continue next
			}
		}
		out = append(out, a)
	}
	return out
}
