package lint

import (
	"strings"
)

// EnvFile lints an env file (.env, .env.production, app.env; the format
// docker run --env-file, compose env_file and dotenv libraries read):
// NAME=value lines, optionally with export, quotes and comments; a
// double-quoted value may span lines (a PEM key). name is used in
// resources. It returns a failing finding per line holding a secret
// ("NAME:LINE") or one passing finding for name.
func (l *Linter) EnvFile(name string, src []byte) ([]Finding, error) {
	lines := strings.Split(string(src), "\n")
	var h hits
	for i := 0; i < len(lines); i++ {
		start := i
		line := strings.TrimSpace(strings.TrimSuffix(lines[i], "\r"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		key = strings.TrimSpace(key)
		value = strings.TrimSpace(value)
		switch {
		case strings.HasPrefix(value, `"`) || strings.HasPrefix(value, "'"):
			q := value[:1]
			if end := closingQuote(value, q[0], 1); end > 0 {
				value = value[:end+1] // a comment may follow
				break
			}
			if q == "'" {
				break
			}
			// A double-quoted value continues to the line ending
			// with the closing quote.
			for i+1 < len(lines) {
				i++
				next := strings.TrimSuffix(lines[i], "\r")
				if end := closingQuote(next, '"', 0); end >= 0 {
					value += "\n" + next[:end+1]
					break
				}
				value += "\n" + next
			}
		default:
			if j := strings.Index(value, " #"); j >= 0 {
				value = strings.TrimSpace(value[:j])
			}
		}
		if spans, in := l.names.judgeVar(key, value); len(spans) > 0 {
			h.add(checkEnvFile, start+1, lines[start], kindsOf(spans), secretsOf(spans, in))
		}
	}
	return h.findings(name, envFileChecks, fileLine(name)), nil
}

// closingQuote returns the index of the first quote q in s at or after
// from that no backslash escapes, or -1.
func closingQuote(s string, q byte, from int) int {
	for i := from; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case q:
			return i
		}
	}
	return -1
}
