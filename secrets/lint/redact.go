package lint

import (
	"regexp"
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

// pemArmor matches a PEM BEGIN or END line.
var pemArmor = regexp.MustCompile(`-----(?:BEGIN|END)[ A-Z0-9]*-----`)

// escaper writes a value the way it appears inside double quotes.
var escaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "$", `\$`, "`", "\\`")

// showsSecret reports whether text still shows part of a secret: a piece
// of 8 or more characters of it past its public prefix, or all of a
// shorter one. It guards evidence against a secret written in a form
// redactText did not recognise (split by a line continuation, escaped in
// some other way).
func showsSecret(text string, secrets []secretText) bool {
	for _, s := range secrets {
		body := s.s
		if s.keep > 0 && s.keep < len(body) {
			body = body[s.keep:]
		}
		// PEM armor lines are public and kept in evidence; the key is
		// between them, on real lines or on one line with \n escapes.
		body = pemArmor.ReplaceAllString(strings.ReplaceAll(body, `\n`, "\n"), "\n")
		const piece = 8
		for _, line := range strings.Split(body, "\n") {
			line = strings.TrimSpace(line)
			if len(line) < piece {
				if len(line) >= 4 && strings.Contains(text, line) {
					return true
				}
				continue
			}
			for i := 0; i+piece <= len(line); i += piece / 2 {
				if strings.Contains(text, line[i:i+piece]) {
					return true
				}
			}
			if strings.Contains(text, line[len(line)-piece:]) {
				return true
			}
		}
	}
	return false
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
		// The same secret as the source writes it, escaped inside
		// quotes: ENV P="a\"b" holds a"b.
		if esc := escaper.Replace(s.s); esc != s.s {
			out = strings.ReplaceAll(out, esc, redacted)
		}
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
