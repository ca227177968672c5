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
		case strings.HasPrefix(value, `"`) && (len(value) == 1 || !strings.HasSuffix(value, `"`)):
			// A double-quoted value continues to the line ending
			// with the closing quote.
			for i+1 < len(lines) {
				i++
				value += "\n" + strings.TrimSuffix(lines[i], "\r")
				if strings.HasSuffix(strings.TrimSpace(lines[i]), `"`) {
					break
				}
			}
		case !strings.HasPrefix(value, `"`) && !strings.HasPrefix(value, "'"):
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
