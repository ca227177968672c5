package lint

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// Dockerfile lints a Dockerfile read from src; name (a path) is used in
// resources and errors. It is parsed with BuildKit's own parser, so line
// continuations, heredocs, exec and shell forms and parser directives
// are read as docker build reads them. It returns, for each Dockerfile
// check, a failing finding per offending line ("NAME:LINE") or one
// passing finding for name. A file that does not parse is an
// *InvalidError, which names the line but never quotes it.
func (l *Linter) Dockerfile(name string, src []byte) ([]Finding, error) {
	res, err := parser.Parse(bytes.NewReader(src))
	if err != nil {
		return nil, parseError(fmt.Sprintf("Dockerfile %q", name), err)
	}
	d := dockerfileLint{l: l, lines: strings.Split(string(src), "\n"), args: map[string]bool{}}
	for _, n := range res.AST.Children {
		d.node(n)
	}
	return d.hits.findings(name, dockerfileChecks, fileLine(name)), nil
}

// parseError reports a Dockerfile that does not parse, with the line
// BuildKit names but not its text, which may hold a secret.
func parseError(input string, err error) error {
	var le *parser.LocationError
	if errors.As(err, &le) && len(le.Locations) > 0 && len(le.Locations[0]) > 0 {
		return invalid(input, fmt.Sprintf("line %d", le.Locations[0][0].Start.Line), "does not parse as a Dockerfile")
	}
	return invalid(input, "", "does not parse as a Dockerfile")
}

// dockerfileLint is the state of one Dockerfile's lint.
type dockerfileLint struct {
	l     *Linter
	lines []string
	// args are the build arguments declared so far; an ENV that copies
	// one with a secret-looking name into the image config leaks it.
	args map[string]bool
	hits hits
}

// text returns source lines from..to (1-based, inclusive) joined by
// newlines, with line continuations blanked so a flag and its value on
// two lines still read as one command, and offsets still map to lines.
func (d *dockerfileLint) text(from, to int) string {
	if from < 1 {
		from = 1
	}
	if to > len(d.lines) {
		to = len(d.lines)
	}
	if from > to {
		return ""
	}
	s := strings.Join(d.lines[from-1:to], "\n")
	return strings.ReplaceAll(s, "\\\n", " \n")
}

// lineOf returns the first line in from..to containing needle's first
// line, or from.
func (d *dockerfileLint) lineOf(from, to int, needle string) int {
	needle, _, _ = strings.Cut(needle, "\n")
	needle = strings.TrimSpace(needle)
	for i := from; i <= to && i <= len(d.lines); i++ {
		if needle != "" && strings.Contains(d.lines[i-1], needle) {
			return i
		}
	}
	return from
}

func (d *dockerfileLint) line(n int) string {
	if n < 1 || n > len(d.lines) {
		return ""
	}
	return d.lines[n-1]
}

func (d *dockerfileLint) node(n *parser.Node) {
	switch strings.ToLower(n.Value) {
	case "env":
		d.pairs(n, checkDockerfileEnv, true)
	case "label":
		d.pairs(n, checkDockerfileLabel, false)
	case "arg":
		d.arg(n)
	case "run", "cmd", "entrypoint", "healthcheck", "shell":
		d.command(n)
	case "copy", "add":
		d.copy(n)
	case "onbuild":
		if n.Next != nil {
			for _, c := range n.Next.Children {
				c.StartLine, c.EndLine = n.StartLine, n.EndLine
				d.node(c)
			}
		}
	}
}

// pairs judges KEY=VALUE instructions (ENV, LABEL), whose parsed form is
// key, value, separator triples.
func (d *dockerfileLint) pairs(n *parser.Node, c Check, env bool) {
	for k := n.Next; k != nil && k.Next != nil; {
		v := k.Next
		key, val := unquote(k.Value), v.Value
		spans, in := d.l.names.judgeVar(key, val)
		if len(spans) > 0 {
			line := d.lineOf(n.StartLine, n.EndLine, spans[0].text(in))
			d.hits.add(c, line, d.line(line), kindsOf(spans), secretsOf(spans, in))
		} else if ref := onlyRefName(val); env && ref != "" && d.args[ref] && d.l.names.class(key) == nameSecret {
			line := d.lineOf(n.StartLine, n.EndLine, key)
			d.hits.add(c, line, d.line(line), []string{"copies build argument " + ref + " into the image config"}, nil)
		}
		k = v.Next
		if k != nil && (k.Value == "=" || k.Value == "") {
			k = k.Next
		}
	}
}

// arg judges ARG NAME[=default]...: a secret-looking name is a leak
// whatever its default, because the value given at build time is
// recorded in the history of every RUN that uses it.
func (d *dockerfileLint) arg(n *parser.Node) {
	for x := n.Next; x != nil; x = x.Next {
		name, val, hasVal := strings.Cut(x.Value, "=")
		d.args[name] = true
		if hasVal {
			if spans, in := d.l.names.judgeVar(name, val); len(spans) > 0 {
				line := d.lineOf(n.StartLine, n.EndLine, spans[0].text(in))
				d.hits.add(checkDockerfileArg, line, d.line(line), kindsOf(spans), secretsOf(spans, in))
				continue
			}
		}
		if d.l.names.class(name) == nameSecret {
			line := d.lineOf(n.StartLine, n.EndLine, name)
			d.hits.add(checkDockerfileArg, line, d.line(line), []string{"secret-looking build argument " + name}, nil)
		}
	}
}

// command judges RUN, CMD, ENTRYPOINT, HEALTHCHECK and SHELL lines,
// heredocs included.
func (d *dockerfileLint) command(n *parser.Node) {
	if n.Attributes["json"] {
		var words []string
		for x := n.Next; x != nil; x = x.Next {
			words = append(words, x.Value)
		}
		cmd := strings.Join(words, " ")
		if spans := findInCommand(cmd, d.l.names); len(spans) > 0 {
			line := d.lineOf(n.StartLine, n.EndLine, spans[0].text(cmd))
			d.hits.add(checkDockerfileRun, line, d.line(line), kindsOf(spans), secretsOf(spans, cmd))
		}
		return
	}
	text := d.text(n.StartLine, n.EndLine)
	for _, s := range findInCommand(text, d.l.names) {
		line := n.StartLine + strings.Count(text[:s.start], "\n")
		d.hits.add(checkDockerfileRun, line, d.line(line), []string{s.kind}, secretsOf([]span{s}, text))
	}
}

// copy judges the sources and destination of COPY and ADD, and the
// content of COPY heredocs.
func (d *dockerfileLint) copy(n *parser.Node) {
	var args []string
	for x := n.Next; x != nil; x = x.Next {
		args = append(args, x.Value)
	}
	if len(args) == 0 {
		return
	}
	srcs, dst := args[:len(args)-1], args[len(args)-1]
	var kinds []string
	template := false
	for _, s := range srcs {
		if strings.Contains(s, "://") || strings.HasPrefix(s, "<<") {
			continue
		}
		if kind, ok := credentialFile(s); ok {
			kinds = appendUnique(kinds, kind+" "+s)
		}
		for _, t := range templateSuffixes {
			template = template || strings.HasSuffix(strings.ToLower(s), t)
		}
	}
	if !template && !strings.HasSuffix(dst, "/") && len(kinds) == 0 {
		if kind, ok := credentialFile(dst); ok {
			kinds = append(kinds, kind+" "+dst)
		}
	}
	for _, h := range n.Heredocs {
		if spans := findInCommand(h.Content, d.l.names); len(spans) > 0 {
			line := d.lineOf(n.StartLine, n.EndLine, spans[0].text(h.Content))
			d.hits.add(checkDockerfileCopy, line, d.line(line), kindsOf(spans), secretsOf(spans, h.Content))
		}
	}
	if len(kinds) > 0 {
		d.hits.add(checkDockerfileCopy, n.StartLine, d.line(n.StartLine), kinds, nil)
	}
}
