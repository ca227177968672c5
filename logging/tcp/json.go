package tcp

import (
	"unicode/utf8"

	"github.com/opskit-dev/opskit/logging"
)

func appendJSON(b []byte, ev *logging.Event, ts []byte, host string) []byte {
	b = append(b, `{"timestamp":"`...)
	b = append(b, ts...)
	b = append(b, `","host":`...)
	b = AppendJSONString(b, host)
	b = append(b, `,"file":`...)
	b = AppendJSONString(b, ev.Source)
	b = append(b, `,"message":`...)
	b = AppendJSONString(b, ev.Message)
	return append(b, "}\n"...)
}

// safeJSON marks the ASCII bytes a JSON string may hold unescaped.
var safeJSON = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// AppendJSONString appends s as a JSON string; invalid UTF-8 becomes
// U+FFFD.
func AppendJSONString[T string | []byte](b []byte, s T) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if safeJSON[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
			}
			i++
			start = i
			continue
		}
		var r rune
		var size int
		switch v := any(s).(type) {
		case string:
			r, size = utf8.DecodeRuneInString(v[i:])
		case []byte:
			r, size = utf8.DecodeRune(v[i:])
		}
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
