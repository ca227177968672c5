package cli

import (
	"encoding"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// MaxConfigSize bounds a configuration file: 1 MiB.
const MaxConfigSize = 1 << 20

// ConfigError is one problem in a configuration file, naming the file,
// the line and the field (a path such as "sources[1].paths").
type ConfigError struct {
	File   string
	Line   int
	Field  string
	Reason string
}

// Error implements error: "FILE:LINE: FIELD: REASON".
func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
	}
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	b.WriteString(": " + e.Reason)
	return b.String()
}

// ConfigErrors is every problem found in one file, one a line.
type ConfigErrors []*ConfigError

// Error implements error.
func (es ConfigErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the individual errors.
func (es ConfigErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Config remembers where each field of a decoded file was, so checks made
// after decoding can name the line too.
type Config struct {
	// File names the file in errors.
	File  string
	lines map[string]int
}

// Line returns the line of field, or of its nearest enclosing field when
// the field itself is absent (a missing required key is reported at the
// mapping that lacks it); 0 when unknown.
func (c *Config) Line(field string) int {
	for f := field; ; {
		if n, ok := c.lines[f]; ok {
			return n
		}
		i := strings.LastIndexAny(f, ".[")
		if i < 0 {
			return c.lines[""]
		}
		f = f[:i]
	}
}

// Errorf returns a *ConfigError for field at its line.
func (c *Config) Errorf(field, format string, args ...any) *ConfigError {
	return &ConfigError{File: c.File, Line: c.Line(field), Field: field, Reason: fmt.Sprintf(format, args...)}
}

// LoadYAML reads the YAML file at path into v (a pointer to a struct with
// yaml tags); see DecodeYAML.
func LoadYAML(path string, v any) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &ConfigError{File: path, Reason: "cannot open: " + pathErr(err)}
	}
	defer f.Close()
	data := make([]byte, MaxConfigSize+1)
	n, err := readFull(f, data)
	if err != nil {
		return nil, &ConfigError{File: path, Reason: "cannot read: " + pathErr(err)}
	}
	if n > MaxConfigSize {
		return nil, &ConfigError{File: path, Reason: fmt.Sprintf("larger than %d bytes", MaxConfigSize)}
	}
	return DecodeYAML(path, data[:n], v)
}

// DecodeYAML decodes data into v, checking every key against v's yaml tags:
// an unknown key, a value of the wrong type or a YAML syntax error is a
// *ConfigError naming the line and field. All problems are reported at once
// as ConfigErrors.
func DecodeYAML(file string, data []byte, v any) (*Config, error) {
	c := &Config{File: file, lines: map[string]int{"": 1}}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return c, &ConfigError{File: file, Line: yamlLine(err), Reason: yamlMsg(err)}
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return c, nil
	}
	d := &decoder{c: c}
	d.walk(doc.Content[0], reflect.ValueOf(v).Elem(), "")
	if len(d.errs) > 0 {
		return c, d.errs
	}
	return c, nil
}

type decoder struct {
	c    *Config
	errs ConfigErrors
}

var (
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	yamlUnmarshaler = reflect.TypeFor[yaml.Unmarshaler]()
	durationType    = reflect.TypeFor[time.Duration]()
)

func (d *decoder) fail(n *yaml.Node, field, format string, args ...any) {
	d.errs = append(d.errs, &ConfigError{File: d.c.File, Line: n.Line, Field: field, Reason: fmt.Sprintf(format, args...)})
}

func (d *decoder) walk(n *yaml.Node, v reflect.Value, path string) {
	d.c.lines[path] = n.Line
	if n.Kind == yaml.AliasNode {
		d.fail(n, path, "aliases are not allowed")
		return
	}
	if n.Tag == "!!null" {
		return
	}
	t := v.Type()
	if reflect.PointerTo(t).Implements(textUnmarshaler) || reflect.PointerTo(t).Implements(yamlUnmarshaler) || t == durationType {
		d.scalar(n, v, path)
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(t.Elem()))
		}
		d.walk(n, v.Elem(), path)
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			d.fail(n, path, "want a mapping, got %s", kindName(n))
			return
		}
		fields := structFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			fp := join(path, k.Value)
			idx, ok := fields[k.Value]
			if !ok {
				d.fail(k, fp, "unknown field (known: %s)", strings.Join(sortedKeys(fields), ", "))
				continue
			}
			d.c.lines[fp] = k.Line
			d.walk(val, v.Field(idx), fp)
			d.c.lines[fp] = k.Line
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.fail(n, path, "want a list, got %s", kindName(n))
			return
		}
		s := reflect.MakeSlice(t, len(n.Content), len(n.Content))
		for i, e := range n.Content {
			d.walk(e, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
		v.Set(s)
	case reflect.Map:
		if n.Kind != yaml.MappingNode || t.Key().Kind() != reflect.String {
			d.fail(n, path, "want a mapping, got %s", kindName(n))
			return
		}
		m := reflect.MakeMap(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			e := reflect.New(t.Elem()).Elem()
			fp := join(path, k.Value)
			d.walk(val, e, fp)
			d.c.lines[fp] = k.Line
			m.SetMapIndex(reflect.ValueOf(k.Value).Convert(t.Key()), e)
		}
		v.Set(m)
	default:
		d.scalar(n, v, path)
	}
}

func (d *decoder) scalar(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.ScalarNode {
		d.fail(n, path, "want a single value, got %s", kindName(n))
		return
	}
	p := reflect.New(v.Type())
	if err := n.Decode(p.Interface()); err != nil {
		d.fail(n, path, "cannot read %q as %s", n.Value, typeName(v.Type()))
		return
	}
	v.Set(p.Elem())
}

func structFields(t reflect.Type) map[string]int {
	m := map[string]int{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		m[name] = i
	}
	return m
}

func sortedKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	default:
		return fmt.Sprintf("%q", n.Value)
	}
}

func typeName(t reflect.Type) string {
	switch {
	case t == durationType:
		return "a duration (such as 10s or 5m)"
	case t.Kind() == reflect.Bool:
		return "true or false"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return "an integer"
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return "a number"
	default:
		return t.String()
	}
}

var lineRE = regexp.MustCompile(`line (\d+)`)

func yamlLine(err error) int {
	if m := lineRE.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

var prefixRE = regexp.MustCompile(`^yaml: (line \d+: )?`)

func yamlMsg(err error) string {
	return prefixRE.ReplaceAllString(err.Error(), "")
}

func pathErr(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

func readFull(f *os.File, buf []byte) (int, error) {
	n, err := io.ReadFull(f, buf)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		err = nil
	}
	return n, err
}
