package audit

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"
)

// xmlNode is a parsed element: name, attributes, child elements, and
// whether it holds text.
type xmlNode struct {
	name     string
	attrs    map[string]string
	children []*xmlNode
	text     bool
}

func parseXML(t *testing.T, data []byte) *xmlNode {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	var stack []*xmlNode
	var root *xmlNode
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &xmlNode{name: tok.Name.Local, attrs: map[string]string{}}
			for _, a := range tok.Attr {
				n.attrs[a.Name.Local] = a.Value
			}
			if len(stack) == 0 {
				root = n
			} else {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 && len(bytes.TrimSpace(tok)) > 0 {
				stack[len(stack)-1].text = true
			}
		}
	}
	return root
}

// The element and attribute rules of junit-10.xsd, the schema Jenkins'
// xUnit plugin validates every input against (files that fail are
// skipped): which attributes each element may have, which it must have,
// and which child elements it may hold.
var junitSchema = map[string]struct {
	attrs, required, children []string
	text                      bool
}{
	"testsuites": {attrs: []string{"name", "time", "tests", "failures", "errors"}, children: []string{"testsuite"}},
	"testsuite": {
		attrs:    []string{"name", "tests", "failures", "errors", "group", "time", "skipped", "timestamp", "hostname", "id", "package", "file", "log", "url"},
		required: []string{"name", "tests", "failures", "errors"},
		children: []string{"testsuite", "properties", "testcase", "system-out", "system-err"},
	},
	"properties": {children: []string{"property"}},
	"property":   {attrs: []string{"name", "value"}, required: []string{"name", "value"}},
	"testcase": {
		attrs: []string{"name", "time", "classname", "group"}, required: []string{"name"},
		children: []string{"skipped", "error", "failure", "rerunFailure", "rerunError", "flakyFailure", "flakyError", "system-out", "system-err"},
	},
	"failure":    {attrs: []string{"type", "message"}, text: true},
	"error":      {attrs: []string{"type", "message"}, text: true},
	"skipped":    {attrs: []string{"type", "message"}, text: true},
	"system-out": {text: true},
	"system-err": {text: true},
}

// surefireTime is junit-10.xsd's SUREFIRE_TIME, the type of every time
// attribute: decimal seconds, optionally with thousands separators.
var surefireTime = regexp.MustCompile(`^(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?$`)

// checkJUnitSchema reports every way n breaks junit-10.xsd.
func checkJUnitSchema(n *xmlNode, path string) []string {
	var errs []string
	rule, ok := junitSchema[n.name]
	if !ok {
		return []string{path + ": element not in junit-10.xsd"}
	}
	for a, v := range n.attrs {
		if !slices.Contains(rule.attrs, a) {
			errs = append(errs, fmt.Sprintf("%s: attribute %s not allowed", path, a))
		}
		if a == "time" && !surefireTime.MatchString(v) {
			errs = append(errs, fmt.Sprintf("%s: time %q is not a SUREFIRE_TIME", path, v))
		}
	}
	for _, a := range rule.required {
		if _, ok := n.attrs[a]; !ok {
			errs = append(errs, fmt.Sprintf("%s: required attribute %s missing", path, a))
		}
	}
	if n.text && !rule.text {
		errs = append(errs, path+": text not allowed")
	}
	for i, c := range n.children {
		p := fmt.Sprintf("%s/%s[%d]", path, c.name, i)
		if !slices.Contains(rule.children, c.name) {
			errs = append(errs, p+": child element not allowed")
			continue
		}
		errs = append(errs, checkJUnitSchema(c, p)...)
	}
	return errs
}

// checkJUnitCounts reports totals that disagree with the test cases: the
// Jenkins junit step and GitLab count the cases themselves, the xUnit
// plugin trusts the attributes, and a report must read the same in all.
func checkJUnitCounts(root *xmlNode) []string {
	var errs []string
	num := func(n *xmlNode, a string) int {
		v, ok := n.attrs[a]
		if !ok {
			return 0
		}
		i, err := strconv.Atoi(v)
		if err != nil || i < 0 {
			errs = append(errs, fmt.Sprintf("%s %s=%q is not a count", n.name, a, v))
		}
		return i
	}
	var total [3]int
	for _, s := range root.children {
		var got [4]int
		for _, c := range s.children {
			if c.name != "testcase" {
				continue
			}
			got[0]++
			if c.attrs["name"] == "" || c.attrs["classname"] == "" {
				errs = append(errs, fmt.Sprintf("suite %s: test case %q with classname %q; Jenkins and GitLab group and name cases by both", s.attrs["name"], c.attrs["name"], c.attrs["classname"]))
			}
			kinds := 0
			for _, k := range c.children {
				switch k.name {
				case "failure":
					got[1]++
					kinds++
				case "error":
					got[2]++
					kinds++
				case "skipped":
					got[3]++
					kinds++
				}
			}
			if kinds > 1 {
				errs = append(errs, fmt.Sprintf("suite %s case %s has %d outcomes; want at most one", s.attrs["name"], c.attrs["name"], kinds))
			}
		}
		want := [4]int{num(s, "tests"), num(s, "failures"), num(s, "errors"), num(s, "skipped")}
		if got != want {
			errs = append(errs, fmt.Sprintf("suite %s: cases/failures/errors/skipped %v; attributes say %v", s.attrs["name"], got, want))
		}
		total[0] += got[0]
		total[1] += got[1]
		total[2] += got[2]
	}
	if want := [3]int{num(root, "tests"), num(root, "failures"), num(root, "errors")}; total != want {
		errs = append(errs, fmt.Sprintf("testsuites: cases/failures/errors %v; attributes say %v", total, want))
	}
	return errs
}

// TestJUnitConsumers checks WriteJUnit's output against the structure the
// CI consumers need: junit-10.xsd as Jenkins' xUnit plugin applies it
// (issue 18: a skipped attribute on testsuites made it drop every file),
// and counts that agree with the cases for the Jenkins junit step and
// GitLab, which count cases themselves.
func TestJUnitConsumers(t *testing.T) {
	backwards := fixtureReport()
	backwards.Finished = backwards.Started.Add(-time.Second) // a clock step must not give a negative time
	for name, r := range map[string]*Report{
		"full":      fixtureReport(),
		"empty":     {Tool: Tool{Name: "opskit"}},
		"no tool":   {Findings: []Finding{checkTrust.Errored("", errString("x"))}},
		"backwards": backwards,
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := r.WriteJUnit(&buf); err != nil {
				t.Fatal(err)
			}
			root := parseXML(t, buf.Bytes())
			if root == nil || root.name != "testsuites" {
				t.Fatalf("root element %v; want testsuites", root)
			}
			errs := append(checkJUnitSchema(root, "/testsuites"), checkJUnitCounts(root)...)
			for _, e := range errs {
				t.Error(e)
			}
		})
	}
}

// The checker must reject what the xUnit plugin rejects, or the test above
// proves nothing.
func TestJUnitSchemaCheckRejects(t *testing.T) {
	for _, doc := range []string{
		`<testsuites skipped="1"></testsuites>`,
		`<testsuites><testsuite name="a" tests="0" failures="0"></testsuite></testsuites>`,
		`<testsuites time="-1.0"></testsuites>`,
		`<testsuites><testsuite name="a" tests="1" failures="0" errors="0"><testcase name="x" classname="a"><failure/><weird/></testcase></testsuite></testsuites>`,
		`<testsuites><testsuite name="a" tests="1" failures="0" errors="0"><testcase name="x" classname="a"><failure/></testcase></testsuite></testsuites>`,
	} {
		root := parseXML(t, []byte(doc))
		if errs := append(checkJUnitSchema(root, "/testsuites"), checkJUnitCounts(root)...); len(errs) == 0 {
			t.Errorf("%s passed the checks", doc)
		}
	}
}
