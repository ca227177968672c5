package bulk

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/opskit-dev/opskit/internal/tlsconf"
	"github.com/opskit-dev/opskit/logging"
)

// Sink writes to one cluster.
type Sink struct {
	opts   Options
	bulk   string
	mu     sync.Mutex
	closed bool
}

var _ logging.Sink = (*Sink)(nil)

// NewSink validates opts.
func NewSink(opts Options) (*Sink, error) {
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
	tc, err := tlsClient(&opts, u)
	if err != nil {
		return nil, err
	}
	if tc != nil {
		opts.Client = tc
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
		return nil, nil, 1, fmt.Errorf("bulk: POST %s: %w", s.bulk, tlsconf.Classify(err, req.URL.Host))
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
