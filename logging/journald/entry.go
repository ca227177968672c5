package journald

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// entry is one journal entry as journalctl's JSON output gives it.
type entry struct {
	cursor string
	seqID  string // the cursor's s= part
	seqnum int64  // the cursor's i= part
	time   time.Time
	fields map[string]json.RawMessage
}

// parseEntry decodes one line of journalctl --output=json.
func parseEntry(line []byte) (*entry, error) {
	e := &entry{}
	if err := json.Unmarshal(line, &e.fields); err != nil {
		return nil, fmt.Errorf("journald: bad journalctl output line: %w", err)
	}
	cur, ok := e.value("__CURSOR")
	if !ok || len(cur) == 0 {
		return nil, errors.New("journald: journalctl output line without __CURSOR")
	}
	e.cursor = string(cur)
	for part := range strings.SplitSeq(e.cursor, ";") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "s":
			e.seqID = v
		case "i":
			n, err := strconv.ParseInt(v, 16, 64)
			if err != nil {
				return nil, fmt.Errorf("journald: cursor %q: bad sequence number: %w", e.cursor, err)
			}
			e.seqnum = n
		}
	}
	if ts, ok := e.value("__REALTIME_TIMESTAMP"); ok {
		if us, err := strconv.ParseInt(string(ts), 10, 64); err == nil {
			e.time = time.UnixMicro(us)
		}
	}
	return e, nil
}

// value returns a field's value. journalctl prints a value as a JSON
// string when it is printable UTF-8, as an array of byte values when it is
// not (binary data), as null when it was too large to show, and as an
// array of those when the entry has the field several times: then the
// first value is returned.
func (e *entry) value(name string) ([]byte, bool) {
	raw, ok := e.fields[name]
	if !ok {
		return nil, false
	}
	return decodeValue(raw)
}

func decodeValue(raw json.RawMessage) ([]byte, bool) {
	if len(raw) == 0 {
		return nil, false
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return nil, false
		}
		return []byte(s), true
	case '[':
		var bytes []byte
		var nums []int
		if json.Unmarshal(raw, &nums) == nil {
			bytes = make([]byte, len(nums))
			for i, n := range nums {
				bytes[i] = byte(n)
			}
			return bytes, true
		}
		var many []json.RawMessage
		if json.Unmarshal(raw, &many) == nil && len(many) > 0 {
			return decodeValue(many[0])
		}
	}
	return nil, false
}
