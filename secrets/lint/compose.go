package lint

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Compose lints a compose file (docker-compose.yml, compose.yaml, a swarm
// stack file) read from src; name is used in resources and errors. It
// judges every service's environment: (mapping or list form, anchors and
// merge keys resolved), build.args, and command:, entrypoint: and
// healthcheck test:. A ${VAR} reference is the fix, not a leak: compose
// fills it at deploy time. It returns, for each compose check, a failing
// finding per offending line ("NAME:LINE") or one passing finding for
// name.
func (l *Linter) Compose(name string, src []byte) ([]Finding, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, invalid(fmt.Sprintf("compose file %q", name), "", "does not parse as YAML")
	}
	c := composeLint{l: l, lines: strings.Split(string(src), "\n")}
	if len(doc.Content) > 0 {
		root := resolve(doc.Content[0])
		if root.Kind != yaml.MappingNode {
			return nil, invalid(fmt.Sprintf("compose file %q", name), "", "top level is not a mapping")
		}
		for _, svc := range mappingValues(lookup(root, "services")) {
			c.service(svc)
		}
	}
	return c.hits.findings(name, composeChecks, fileLine(name)), nil
}

type composeLint struct {
	l     *Linter
	lines []string
	hits  hits
}

func (c *composeLint) line(n int) string {
	if n < 1 || n > len(c.lines) {
		return ""
	}
	return c.lines[n-1]
}

func (c *composeLint) service(svc *yaml.Node) {
	c.vars(lookup(svc, "environment"), checkComposeEnvironment)
	if b := lookup(svc, "build"); b != nil && b.Kind == yaml.MappingNode {
		c.vars(lookup(b, "args"), checkComposeBuildArg)
	}
	c.command(lookup(svc, "command"))
	c.command(lookup(svc, "entrypoint"))
	if hc := lookup(svc, "healthcheck"); hc != nil && hc.Kind == yaml.MappingNode {
		c.command(lookup(hc, "test"))
	}
}

// vars judges an environment or args node: a mapping of NAME: value or a
// list of NAME=value. A name with no value is passed through from the
// deploying shell, which is the fix.
func (c *composeLint) vars(n *yaml.Node, check Check) {
	c.varsOnce(n, check, map[*yaml.Node]bool{})
}

// varsOnce is vars that judges each merged mapping once: a file that
// merges the same anchors over and over (<<: [*a, *a] at every level)
// would otherwise take time exponential in its depth.
func (c *composeLint) varsOnce(n *yaml.Node, check Check, seen map[*yaml.Node]bool) {
	if n == nil || seen[n] {
		return
	}
	seen[n] = true
	judge := func(name, value string, line int) {
		if spans, in := c.l.names.judgeVar(name, value); len(spans) > 0 {
			c.hits.add(check, line, c.line(line), kindsOf(spans), secretsOf(spans, in))
		}
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], resolve(n.Content[i+1])
			if k.Value == "<<" {
				// A merge key: the merged mappings' entries are the
				// service's too, and their lines are where they are
				// written.
				if v.Kind == yaml.SequenceNode {
					for _, m := range v.Content {
						c.varsOnce(resolve(m), check, seen)
					}
				} else {
					c.varsOnce(v, check, seen)
				}
				continue
			}
			if v.Kind == yaml.ScalarNode && v.Tag != "!!null" {
				judge(k.Value, v.Value, k.Line)
			}
		}
	case yaml.SequenceNode:
		for _, item := range n.Content {
			item = resolve(item)
			if name, value, ok := strings.Cut(item.Value, "="); ok && item.Kind == yaml.ScalarNode {
				judge(name, value, item.Line)
			}
		}
	}
}

// command judges command:, entrypoint: or a healthcheck test: in string
// or list form.
func (c *composeLint) command(n *yaml.Node) {
	if n == nil {
		return
	}
	var cmd string
	line := n.Line
	switch n.Kind {
	case yaml.ScalarNode:
		cmd = n.Value
	case yaml.SequenceNode:
		var words []string
		for _, w := range n.Content {
			words = append(words, resolve(w).Value)
		}
		cmd = strings.Join(words, " ")
	default:
		return
	}
	for _, s := range findInCommand(cmd, c.l.names) {
		at := c.lineOf(line, s.text(cmd))
		c.hits.add(checkComposeCommand, at, c.line(at), []string{s.kind}, secretsOf([]span{s}, cmd))
	}
}

// lineOf returns the first line from line on that holds the first line of
// secret: block scalars and list items put a command's words on lines
// after the key's, and folding loses the line breaks.
func (c *composeLint) lineOf(line int, secret string) int {
	secret, _, _ = strings.Cut(secret, "\n")
	for i := line; i >= 1 && i <= len(c.lines); i++ {
		if strings.Contains(c.lines[i-1], secret) {
			return i
		}
	}
	return line
}

// resolve follows aliases.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// lookup returns the value of key in mapping n, following aliases and
// merge keys (<<: *defaults), or nil.
func lookup(n *yaml.Node, key string) *yaml.Node {
	return lookupOnce(n, key, map[*yaml.Node]bool{})
}

// lookupOnce is lookup that searches each merged mapping once, so
// repeated merges of the same anchors cannot make it exponential.
func lookupOnce(n *yaml.Node, key string, seen map[*yaml.Node]bool) *yaml.Node {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode || seen[n] {
		return nil
	}
	seen[n] = true
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return resolve(n.Content[i+1])
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value != "<<" {
			continue
		}
		m := resolve(n.Content[i+1])
		bases := []*yaml.Node{m}
		if m.Kind == yaml.SequenceNode {
			bases = m.Content
		}
		for _, b := range bases {
			if v := lookupOnce(b, key, seen); v != nil {
				return v
			}
		}
	}
	return nil
}

// mappingValues returns the values of mapping n.
func mappingValues(n *yaml.Node) []*yaml.Node {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var out []*yaml.Node
	for i := 1; i < len(n.Content); i += 2 {
		out = append(out, resolve(n.Content[i]))
	}
	return out
}
