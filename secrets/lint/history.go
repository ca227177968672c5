package lint

import (
	"regexp"
	"strconv"
	"strings"
)

var (
	// nopPrefix is the classic builder's prefix for metadata steps.
	nopPrefix = regexp.MustCompile(`^/bin/sh -c #\(nop\)\s*`)
	// buildArgsPrefix is "|N NAME=value ... " before a RUN command, the
	// build arguments the step used.
	buildArgsPrefix = regexp.MustCompile(`^\|(\d+)\s+`)
	// historyCopy is a COPY or ADD step; group 1 is the destination in
	// the classic builder's "COPY file:abc in /dest" form.
	historyCopy = regexp.MustCompile(`^(?:COPY|ADD)\s+(?:.*\sin\s+(\S+)|(.*))`)
)

// historyEntry judges one CreatedBy line.
func (l *Linter) historyEntry(createdBy string) ([]string, []secretText) {
	s := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(createdBy), "# buildkit"))
	s = nopPrefix.ReplaceAllString(s, "")
	// BuildKit writes "RUN |1 NAME=value /bin/sh -c cmd # buildkit"; the
	// classic builder leaves RUN out.
	s = strings.TrimPrefix(s, "RUN ")
	var kinds []string
	var secrets []secretText
	if m := buildArgsPrefix.FindStringSubmatch(s); m != nil {
		s = s[len(m[0]):]
		// N comes from the image: never loop past the words there are.
		n, _ := strconv.Atoi(m[1])
		for ; n > 0 && s != ""; n-- {
			word, rest, _ := strings.Cut(s, " ")
			s = rest
			k, v, _ := strings.Cut(word, "=")
			if spans, in := l.names.judgeVar(k, v); len(spans) > 0 {
				kinds = appendUnique(kinds, "build argument "+k+": "+strings.Join(kindsOf(spans), ", "))
				secrets = append(secrets, secretsOf(spans, in)...)
			} else if l.names.class(k) == nameSecret && v != "" {
				kinds = appendUnique(kinds, "build argument "+k)
				secrets = append(secrets, secretText{s: v})
			}
		}
	}
	switch {
	case strings.HasPrefix(s, "ENV "), strings.HasPrefix(s, "LABEL "), strings.HasPrefix(s, "ARG "):
		instr, rest, _ := strings.Cut(s, " ")
		for _, kv := range splitPairs(rest) {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				continue
			}
			if spans, in := l.names.judgeVar(unquote(k), v); len(spans) > 0 {
				kinds = appendUnique(kinds, instr+" "+unquote(k)+": "+strings.Join(kindsOf(spans), ", "))
				secrets = append(secrets, secretsOf(spans, in)...)
			}
		}
	case historyCopy.MatchString(s):
		m := historyCopy.FindStringSubmatch(s)
		paths := strings.Fields(m[2])
		if m[1] != "" {
			paths = []string{m[1]}
		}
		for _, p := range paths {
			if strings.HasPrefix(p, "--") {
				continue
			}
			if kind, ok := credentialFile(p); ok {
				kinds = appendUnique(kinds, kind+" "+p)
			}
		}
	default:
		spans := findInCommand(s, l.names)
		kinds = appendUnique(kinds, kindsOf(spans)...)
		secrets = append(secrets, secretsOf(spans, s)...)
	}
	return kinds, secrets
}

// splitPairs splits `A=b "C D"="e f" G='h'` into its pairs, keeping
// quoted spaces.
func splitPairs(s string) []string {
	var out []string
	var cur strings.Builder
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == ' ' || c == '\t':
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
			continue
		}
		cur.WriteByte(c)
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}
