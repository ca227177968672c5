package bulk

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/tcp"
)

// DocumentID is the deterministic _id of an event: from Origin and Offset
// when the source sets them, otherwise from stream, time and message.
func DocumentID(ev *logging.Event) string {
	h := sha256.New()
	if ev.Origin != "" {
		fmt.Fprintf(h, "o\x00%s\x00%d", ev.Origin, ev.Offset)
	} else {
		fmt.Fprintf(h, "m\x00%s\x00%d\x00", ev.Stream, ev.Time.UnixNano())
		h.Write(ev.Message)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func (s *Sink) index(ev *logging.Event) string {
	if s.opts.Index != nil {
		return s.opts.Index(ev)
	}
	day := ev.Time.UTC().Format("2006.01.02")
	if ev.Stream != "" {
		return s.opts.IndexPrefix + "-" + strings.ToLower(ev.Stream) + "-" + day
	}
	return s.opts.IndexPrefix + "-" + day
}

// item is one encoded action + document.
type item struct {
	idx   int // in the batch
	lines []byte
}

func (s *Sink) encode(ev *logging.Event) []byte {
	action := "index"
	if s.opts.Create {
		action = "create"
	}
	b := make([]byte, 0, len(ev.Message)+256)
	b = append(b, `{"`...)
	b = append(b, action...)
	b = append(b, `":{"_index":`...)
	b = tcp.AppendJSONString(b, s.index(ev))
	b = append(b, `,"_id":"`...)
	b = append(b, DocumentID(ev)...)
	b = append(b, "\"}}\n{\"@timestamp\":\""...)
	b = ev.Time.UTC().AppendFormat(b, "2006-01-02T15:04:05.000000000Z07:00")
	b = append(b, `","message":`...)
	b = tcp.AppendJSONString(b, ev.Message)
	if ev.Stream != "" {
		b = append(b, `,"stream":`...)
		b = tcp.AppendJSONString(b, ev.Stream)
	}
	if ev.Source != "" {
		b = append(b, `,"source":`...)
		b = tcp.AppendJSONString(b, ev.Source)
	}
	if ev.Origin != "" {
		b = append(b, `,"origin":`...)
		b = tcp.AppendJSONString(b, ev.Origin)
		b = append(b, `,"offset":`...)
		b = strconv.AppendInt(b, ev.Offset, 10)
	}
	if len(ev.Fields) > 0 {
		b = append(b, `,"fields":{`...)
		first := true
		for k, v := range ev.Fields {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = tcp.AppendJSONString(b, k)
			b = append(b, ':')
			b = tcp.AppendJSONString(b, v)
		}
		b = append(b, '}')
	}
	return append(b, "}\n"...)
}
