// Package bulk is a logging sink for Elasticsearch and OpenSearch through
// the _bulk API, the way Filebeat ships: NDJSON requests sized in bytes,
// per-item failures retried only where retrying can succeed (429), a 413
// answered by splitting the request, and a deterministic document _id
// (from the event's Origin and Offset) so a retried batch overwrites
// instead of duplicating. Documents go to daily indices (logs-2006.01.02).
package bulk

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/tcp"
)

// Options configures a Sink.
type Options struct {
	// URL is the cluster's base URL, such as https://search.example:9200.
	URL string
	// IndexPrefix names daily indices: "<prefix>-2006.01.02" from the
	// event time in UTC, or "<prefix>-<stream>-2006.01.02" for events with
	// a Stream (default "logs").
	IndexPrefix string
	// Index, when set, overrides IndexPrefix: it returns the index for an
	// event.
	Index func(ev *logging.Event) string
	// MaxBytes bounds one request body (default 5 MiB; AWS OpenSearch's
	// small instances refuse more than 10 MiB with 413).
	MaxBytes int
	// Create uses the "create" action: an existing _id is a success (409),
	// never overwritten. The default "index" overwrites, which is also
	// idempotent.
	Create bool
	// Username and Password are sent as HTTP basic auth when set.
	Username, Password string
	// Header is added to every request (API keys).
	Header http.Header
	// Client is the HTTP client (default a client with a 60 s timeout).
	Client *http.Client
	// MaxAttempts bounds attempts per item on 429 and 5xx (default 8).
	MaxAttempts int
	// Backoff spaces retries (zero fields take logging.DefaultBackoff's).
	Backoff logging.Backoff
}

// Sink writes to one cluster.
type Sink struct {
	opts   Options
	bulk   string
	mu     sync.Mutex
	closed bool
}

var _ logging.Sink = (*Sink)(nil)

// New validates opts.
func New(opts Options) (*Sink, error) {
	u, err := url.Parse(opts.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &logging.InvalidError{Input: "bulk.Options", Field: "URL", Reason: fmt.Sprintf("%q: must be an http(s) URL with a host", redact(opts.URL))}
	}
	if u.User != nil {
		return nil, &logging.InvalidError{Input: "bulk.Options", Field: "URL", Reason: fmt.Sprintf("%q: put credentials in Username/Password, not the URL", redact(opts.URL))}
	}
	if opts.IndexPrefix == "" {
		opts.IndexPrefix = "logs"
	}
	if opts.IndexPrefix != strings.ToLower(opts.IndexPrefix) || strings.ContainsAny(opts.IndexPrefix, `\/*?"<>| ,#:`) || strings.HasPrefix(opts.IndexPrefix, "_") {
		return nil, &logging.InvalidError{Input: "bulk.Options", Field: "IndexPrefix", Reason: fmt.Sprintf("%q: index names are lowercase without \\/*?\"<>| ,#: and do not start with _", opts.IndexPrefix)}
	}
	if opts.MaxBytes == 0 {
		opts.MaxBytes = 5 << 20
	}
	if opts.MaxBytes < 1024 {
		return nil, &logging.InvalidError{Input: "bulk.Options", Field: "MaxBytes", Reason: fmt.Sprintf("%d; must be at least 1024", opts.MaxBytes)}
	}
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: 60 * time.Second}
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 8
	}
	if opts.Backoff.Initial < 0 || opts.Backoff.Max < 0 {
		return nil, &logging.InvalidError{Input: "bulk.Options", Field: "Backoff", Reason: "negative delay"}
	}
	opts.Backoff = opts.Backoff.WithDefaults(logging.DefaultBackoff)
	return &Sink{opts: opts, bulk: strings.TrimSuffix(opts.URL, "/") + "/_bulk"}, nil
}

func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		u.User = url.User("REDACTED")
		return u.String()
	}
	return raw
}

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

// Write implements logging.Sink.
func (s *Sink) Write(ctx context.Context, batch []logging.Event) (logging.Result, error) {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return logging.Result{}, logging.ErrClosed
	}
	var res logging.Result
	var pending []item
	for i := range batch {
		it := item{idx: i, lines: s.encode(&batch[i])}
		if len(it.lines) > s.opts.MaxBytes {
			res.Rejected = append(res.Rejected, logging.Rejection{Index: i, Reason: logging.ReasonTooLarge})
			continue
		}
		pending = append(pending, it)
	}
	for attempt := 1; len(pending) > 0; attempt++ {
		var retry []item
		for _, chunk := range s.chunks(pending) {
			again, rejected, n, err := s.send(ctx, chunk)
			res.Requests += n
			if err != nil {
				return logging.Result{}, err
			}
			retry = append(retry, again...)
			res.Rejected = append(res.Rejected, rejected...)
		}
		if len(retry) == 0 {
			break
		}
		if attempt >= s.opts.MaxAttempts {
			return logging.Result{}, &Error{Status: http.StatusTooManyRequests, Reason: fmt.Sprintf("%d items still rejected after %d attempts", len(retry), attempt)}
		}
		t := time.NewTimer(s.opts.Backoff.Delay(attempt - 1))
		select {
		case <-ctx.Done():
			t.Stop()
			return logging.Result{}, ctx.Err()
		case <-t.C:
		}
		pending = retry
	}
	return res, nil
}

func (s *Sink) chunks(items []item) [][]item {
	var out [][]item
	start, size := 0, 0
	for i, it := range items {
		if i > start && size+len(it.lines) > s.opts.MaxBytes {
			out = append(out, items[start:i])
			start, size = i, 0
		}
		size += len(it.lines)
	}
	return append(out, items[start:])
}

// send posts one request; it returns the items to retry (429, 5xx), the
// permanently rejected ones and the number of requests made (a 413 splits).
func (s *Sink) send(ctx context.Context, items []item) (retry []item, rejected []logging.Rejection, requests int, err error) {
	var body bytes.Buffer
	for _, it := range items {
		body.Write(it.lines)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.bulk, &body)
	if err != nil {
		return nil, nil, 0, err
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	for k, v := range s.opts.Header {
		req.Header[k] = v
	}
	if s.opts.Username != "" {
		req.SetBasicAuth(s.opts.Username, s.opts.Password)
	}
	resp, err := s.opts.Client.Do(req)
	if err != nil {
		return nil, nil, 1, fmt.Errorf("bulk: POST %s: %w", s.bulk, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, nil, 1, fmt.Errorf("bulk: read response: %w", err)
	}
	switch {
	case resp.StatusCode == http.StatusRequestEntityTooLarge:
		if len(items) == 1 {
			return nil, []logging.Rejection{{Index: items[0].idx, Reason: logging.ReasonTooLarge}}, 1, nil
		}
		mid := len(items) / 2
		r1, j1, n1, err := s.send(ctx, items[:mid])
		if err != nil {
			return nil, nil, 1 + n1, err
		}
		r2, j2, n2, err := s.send(ctx, items[mid:])
		return append(r1, r2...), append(j1, j2...), 1 + n1 + n2, err
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return items, nil, 1, nil
	case resp.StatusCode != http.StatusOK:
		return nil, nil, 1, &Error{Status: resp.StatusCode, Reason: snippet(data)}
	}
	var br struct {
		Errors bool                      `json:"errors"`
		Items  []map[string]bulkItemResp `json:"items"`
	}
	if err := json.Unmarshal(data, &br); err != nil {
		return nil, nil, 1, fmt.Errorf("bulk: bad response: %w", err)
	}
	if len(br.Items) != len(items) {
		return nil, nil, 1, fmt.Errorf("bulk: response has %d items for %d actions", len(br.Items), len(items))
	}
	if !br.Errors {
		return nil, nil, 1, nil
	}
	for i, m := range br.Items {
		for action, r := range m {
			switch {
			case r.Status < 300:
			case r.Status == http.StatusConflict && action == "create":
				// Already stored by an earlier attempt: success.
			case r.Status == http.StatusTooManyRequests || r.Status >= 500:
				retry = append(retry, items[i])
			default:
				rejected = append(rejected, logging.Rejection{Index: items[i].idx, Reason: logging.ReasonInvalid})
			}
		}
	}
	return retry, rejected, 1, nil
}

type bulkItemResp struct {
	Status int `json:"status"`
	Error  struct {
		Type   string `json:"type"`
		Reason string `json:"reason"`
	} `json:"error"`
}

func snippet(b []byte) string {
	if len(b) > 300 {
		b = b[:300]
	}
	return string(b)
}

// Close implements logging.Sink; later Writes fail with logging.ErrClosed.
func (s *Sink) Close(context.Context) error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	return nil
}

// Error is an HTTP-level failure of a bulk request.
type Error struct {
	Status int
	Reason string
}

func (e *Error) Error() string { return fmt.Sprintf("bulk: HTTP %d: %s", e.Status, e.Reason) }
