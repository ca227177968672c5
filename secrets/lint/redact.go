package lint

import (
	"strings"
	"unicode/utf8"
)

// redacted is what evidence shows in place of a secret.
const redacted = "[redacted]"

// secretText is a secret to hide from evidence, with the length of its
// format's public prefix.
type secretText struct {
	s    string
	keep int
}

// redactToken returns the form of secret shown in evidence: a format's
// fixed prefix, which identifies the kind and is public, then [redacted].
// For a PEM key the BEGIN line is kept.
func redactToken(secret string, keep int) string {
	if strings.HasPrefix(secret, "-----BEGIN") {
		if i := strings.Index(secret[5:], "-----"); i >= 0 {
			return secret[:i+10] + redacted
		}
	}
	if keep > 0 && keep < len(secret)/2 {
		return secret[:keep] + "…" + redacted
	}
	return redacted
}

// maxEvidence bounds the length of the excerpt in evidence.
const maxEvidence = 160

// redactText returns text with every secret replaced by its redacted
// form, on one line and cut to maxEvidence bytes. Redaction happens
// before cutting, so a secret is never half shown.
func redactText(text string, secrets []secretText) string {
	out := text
	for _, s := range secrets {
		if s.s == "" {
			continue
		}
		out = strings.ReplaceAll(out, s.s, redactToken(s.s, s.keep))
		// A secret on several lines (a PEM key) may appear one line at a
		// time in text.
		for _, line := range strings.Split(s.s, "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "-----") {
				out = strings.ReplaceAll(out, line, redacted)
			}
		}
	}
	out = strings.Join(strings.Fields(out), " ")
	if len(out) > maxEvidence {
		cut := maxEvidence
		for cut > 0 && !utf8.RuneStart(out[cut]) {
			cut--
		}
		out = out[:cut] + "…"
	}
	return out
}
