package cwagent

import (
	"fmt"
	"strings"
)

// directives maps Go layout elements to the agent's timestamp_format
// directives, longest element first so "January" is not read as "Jan".
// The agent turns each directive back into the Go element on the right
// (its TimeFormatMap), so a layout built from these round-trips.
var directives = []struct{ layout, directive string }{
	{"January", "%B"}, {"Monday", "%A"}, {"2006", "%Y"}, {"-0700", "%z"},
	{"Jan", "%b"}, {"Mon", "%a"}, {"MST", "%Z"},
	{"01", "%m"}, {"02", "%d"}, {"_2", "%-d"}, {"15", "%H"}, {"03", "%I"}, {"04", "%M"}, {"05", "%S"}, {"06", "%y"},
	{"PM", "%p"},
	{"1", "%-m"}, {"2", "%-d"}, {"3", "%-I"}, {"4", "%-M"}, {"5", "%-S"},
}

// agentLayout is the agent's own map from directive to Go layout element.
var agentLayout = map[string]string{
	"%B": "January", "%b": "Jan", "%-m": "1", "%m": "01", "%A": "Monday", "%a": "Mon", "%-d": "2", "%d": "02",
	"%H": "15", "%-I": "3", "%I": "03", "%-M": "4", "%M": "04", "%-S": "5", "%S": "05", "%Y": "2006", "%y": "06",
	"%p": "PM", "%Z": "MST", "%z": "-0700", "%f": "000",
}

// unsupported are Go layout elements the agent has no directive for.
var unsupported = []string{"Z07:00:00", "Z070000", "Z07:00", "Z0700", "Z07", "-07:00:00", "-070000", "-07:00", "-07", "002", "__2", "pm"}

// TimestampFormat converts a Go time layout into the agent's
// timestamp_format: "Jan _2 15:04:05" becomes "%b %-d %H:%M:%S". Fractional
// seconds (".000", ".999999", ",000") become "%f" after the separator.
func TimestampFormat(layout string) (string, error) {
	var b strings.Builder
	rest := layout
outer:
	for rest != "" {
		// Fractional seconds: a '.' or ',' followed by 0s or 9s.
		if (rest[0] == '.' || rest[0] == ',') && len(rest) > 1 && (rest[1] == '0' || rest[1] == '9') {
			n := 1
			for n < len(rest) && rest[n] == rest[1] {
				n++
			}
			if n == len(rest) || !isDigit(rest[n]) {
				b.WriteByte(rest[0])
				b.WriteString("%f")
				rest = rest[n:]
				continue
			}
		}
		for _, d := range directives {
			if strings.HasPrefix(rest, d.layout) {
				b.WriteString(d.directive)
				rest = rest[len(d.layout):]
				continue outer
			}
		}
		for _, u := range unsupported {
			if strings.HasPrefix(rest, u) {
				return "", fmt.Errorf("layout %q: %q has no CloudWatch agent directive (the agent knows %%z as -0700 only)", layout, u)
			}
		}
		if rest[0] == '%' {
			return "", fmt.Errorf("layout %q: a literal %% cannot be written in timestamp_format", layout)
		}
		if isDigit(rest[0]) {
			return "", fmt.Errorf("layout %q: digit %q is not a Go layout element", layout, rest[0])
		}
		b.WriteByte(rest[0])
		rest = rest[1:]
	}
	return b.String(), nil
}

// GoLayout converts an agent timestamp_format back into the Go layout the
// agent parses with, as the agent's translator does.
func GoLayout(format string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(format); {
		if format[i] != '%' {
			b.WriteByte(format[i])
			i++
			continue
		}
		d := format[i:min(i+2, len(format))]
		if strings.HasPrefix(format[i:], "%-") {
			d = format[i:min(i+3, len(format))]
		}
		l, ok := agentLayout[d]
		if !ok {
			return "", fmt.Errorf("timestamp_format %q: unknown directive %q", format, d)
		}
		b.WriteString(l)
		i += len(d)
	}
	return b.String(), nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
