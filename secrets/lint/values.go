package lint

import (
	"regexp"
	"strings"
)

// unquote strips one level of matching single or double quotes.
func unquote(v string) string {
	v = strings.TrimSpace(v)
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		v = v[1 : len(v)-1]
		if v != "" && strings.Contains(v, `\`) {
			v = strings.NewReplacer(`\"`, `"`, `\'`, `'`, `\\`, `\`).Replace(v)
		}
	}
	return v
}

// refPattern matches a variable reference: $VAR, ${VAR}, ${VAR:?msg},
// ${VAR:+alt}, ${VAR:-default} (default in group 2), a command
// substitution $(...) or a template {{ ... }}.
var refPattern = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-=]([^}]*)|:?[?+][^}]*)?\}|\$[A-Za-z_][A-Za-z0-9_]*|\$\([^)]*\)|\{\{[^}]*\}\}|%[A-Za-z_][A-Za-z0-9_]*%`)

// onlyRefName returns the variable a value consists of, such as "TOKEN"
// for "${TOKEN}" or "$TOKEN", or "".
func onlyRefName(v string) string {
	v = strings.TrimSpace(unquote(v))
	m := refPattern.FindStringSubmatchIndex(v)
	if m == nil || m[0] != 0 || m[1] != len(v) {
		return ""
	}
	if m[2] >= 0 {
		return v[m[2]:m[3]]
	}
	if strings.HasPrefix(v, "$") && !strings.HasPrefix(v, "$(") {
		return v[1:]
	}
	return ""
}

var (
	boolOrNumber = regexp.MustCompile(`^(?i:true|false|yes|no|on|off|y|n|enabled?|disabled?|null|nil|none|undefined|-?[0-9]{1,8}(?:\.[0-9]+)?(?:ms|s|m|h|d|w|k|kb|mb|gb)?)$`)
	placeholder  = regexp.MustCompile(`(?i)^(?:<[^<>]*>|\[[^\[\]]*\]|__[A-Z0-9_]+__|@[A-Za-z_]+@|x{3,}|\*{3,}|\.{3,}|-|\?|0+|` +
		`change[-_.]?(?:me|it|this)[-_.a-z0-9]*|replace[-_.]?me[-_.a-z0-9]*|placeholder|dummy|todo|tbd|fixme|redacted|notset|unset|empty|` +
		`secret|password|passwd|token|apikey|api[-_]key|s3cr3t|pass|changeit|notasecret|not[-_]a[-_]secret)$`)
	placeholderWords = regexp.MustCompile(`(?i)\.{3}$|…|example|your[-_ ]?[a-z]|[-_]here$|^insert[-_]|^put[-_]|^enter[-_]|^set[-_]?me|^fake[-_]|^dummy[-_]|^sample[-_]|^test[-_]?(?:token|key|secret|password)`)
	pathValue        = regexp.MustCompile(`^(?:/|\./|\.\./|~/)[^\s:]*$`)
	storeRef         = regexp.MustCompile(`(?i)^(?:vault:|vault://|secretsmanager://|ssm://|arn:aws:(?:secretsmanager|ssm|kms):|op://|gcp-?sm://|sm://|azure-?keyvault://|keyvault://|awssm:|secret://|file://|env:)`)
	urlPattern       = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://`)
)

// harmless reports whether a literal value is clearly not a secret:
// empty, a reference filled at build or run time, a path (PASSWORD_FILE),
// a boolean or number, a placeholder, a reference into a secret store, or
// a URL with no password in it.
func harmless(v string) bool {
	v = strings.TrimSpace(unquote(v))
	if v == "" || boolOrNumber.MatchString(v) || placeholder.MatchString(v) || placeholderWords.MatchString(v) ||
		pathValue.MatchString(v) || storeRef.MatchString(v) {
		return true
	}
	if refPattern.MatchString(v) {
		return refsHarmless(v)
	}
	if strings.HasPrefix(v, "$(") || strings.HasPrefix(v, "${") || strings.HasPrefix(v, "`") {
		// The start of a command substitution or reference cut at a
		// space by the caller: "$(cat /run/secrets/token)".
		return true
	}
	if urlPattern.MatchString(v) && urlPassword(v) == "" {
		return true
	}
	return false
}

// refsHarmless judges a value with references in it: the references are
// harmless unless one carries a literal default (${PW:-hunter2}), and the
// text around them must be harmless too (a URL scheme, a word such as
// Bearer).
func refsHarmless(v string) bool {
	for _, m := range refPattern.FindAllStringSubmatch(v, -1) {
		if m[2] != "" && !harmless(m[2]) {
			return false
		}
	}
	rest := strings.TrimSpace(refPattern.ReplaceAllString(v, ""))
	if rest == "" || harmless(rest) || !strings.ContainsFunc(rest, isAlnum) {
		return true
	}
	if urlPattern.MatchString(rest) && urlPassword(rest) == "" {
		return true
	}
	// A word or two around the references: "Bearer ${TOKEN}",
	// "--password=$PW", "user:$PASSWORD".
	return len(rest) <= 24 && !strings.ContainsFunc(rest, func(r rune) bool { return r >= '0' && r <= '9' })
}

func isAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// urlCreds matches the user:password@ part of a URL; group 1 is the
// password.
var urlCreds = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*://[^\s/:@'"]+:([^\s/@'"]+)@[^\s'"]`)

// urlPassword returns the password in a URL's userinfo when it is a
// literal, or "".
func urlPassword(v string) string {
	m := urlCreds.FindStringSubmatch(v)
	if m == nil || harmless(m[1]) {
		return ""
	}
	return m[1]
}
