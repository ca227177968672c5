package lint

import (
	"regexp"
	"strings"
)

// nameJudge classifies variable names, honouring Options.AllowNames.
type nameJudge struct{ allow map[string]bool }

func (j nameJudge) class(name string) nameClass {
	if j.allow[strings.ToUpper(name)] {
		return nameNotSecret
	}
	return classifyName(name)
}

// connPassword matches the password or key of a connection string
// ("Server=db;User Id=sa;Password=...;", Azure's "AccountKey=...;").
var connPassword = regexp.MustCompile(`(?i)(?:^|[;\s?&])(?:password|pwd|passwd|accountkey|sharedaccesskey|accesskey)=([^;&\s'"]+)`)

// judgeVar returns the secrets in value, the value of a variable named
// name (ENV, ARG default, compose environment, an env file line). Spans
// are relative to the unquoted value, returned too.
//
//   - A credential format (an AWS key, a GitHub token, a PEM key, a
//     password in a URL) is a secret under any name.
//   - A secret-looking name (DB_PASSWORD, apiKey) makes any literal a
//     secret unless it is clearly harmless: empty, a reference such as
//     ${DB_PASSWORD}, a path (PASSWORD_FILE=/run/secrets/db), a boolean or
//     number, a placeholder (changeme, <token>, xxx).
//   - A name that describes a secret without holding it (USERNAME,
//     PASSWORD_FILE, TOKEN_URL, GPG_KEY, *_SHA256) is never a secret by
//     its value's look alone.
//   - Any other name: a connection string's password, or a long random
//     string mixing cases and digits (not hex, not a UUID).
func (j nameJudge) judgeVar(name, value string) ([]span, string) {
	v := unquote(value)
	if toks := findTokens(v); len(toks) > 0 {
		return toks, v
	}
	switch j.class(name) {
	case nameNotSecret:
		return nil, v
	case nameSecret:
		if harmless(v) {
			return nil, v
		}
		return []span{{kind: "literal value under a secret-looking name", start: 0, end: len(v)}}, v
	}
	var out []span
	for _, m := range connPassword.FindAllStringSubmatchIndex(v, -1) {
		if !harmless(v[m[2]:m[3]]) {
			out = append(out, span{kind: "password in a connection string", start: m[2], end: m[3]})
		}
	}
	if len(out) == 0 && looksRandom(strings.TrimSpace(v)) {
		out = append(out, span{kind: "high-entropy string", start: 0, end: len(v)})
	}
	return out, v
}

// secretsOf turns spans of in into the secrets to redact.
func secretsOf(spans []span, in string) []secretText {
	out := make([]secretText, 0, len(spans))
	for _, s := range spans {
		out = append(out, secretText{s: s.text(in), keep: s.keep})
	}
	return out
}

// kindsOf lists the kinds of spans, each once.
func kindsOf(spans []span) []string {
	var out []string
	for _, s := range spans {
		out = appendUnique(out, s.kind)
	}
	return out
}

func appendUnique(list []string, s ...string) []string {
	for _, x := range s {
		found := false
		for _, y := range list {
			if x == y {
				found = true
				break
			}
		}
		if !found {
			list = append(list, x)
		}
	}
	return list
}
