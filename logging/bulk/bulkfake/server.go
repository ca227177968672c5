package bulkfake

import (
	"crypto/tls"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
)

// Doc is a stored document.
type Doc struct {
	Index   string
	ID      string
	Version int
	Source  json.RawMessage
	// Seq is the order in which the document was first created.
	Seq int64
}

// Server is the bulk server. Its methods are safe for concurrent use.
type Server struct {
	*httptest.Server

	mu             sync.Mutex
	maxContent     int
	indices        map[string]map[string]*Doc
	seq            int64
	requests       int
	rejectItems    int // next N items get 429
	failRequests   int // next N requests get failStatus
	failStatus     int
	autoID         int64
	itemsProcessed int
	auth           func(r *http.Request, body []byte) error // see Authenticate
}

// Options configures a Server.
type Options struct {
	// MaxContentLength bounds a request body, like Elasticsearch's
	// http.max_content_length: a larger request gets 413 (default 10 MiB,
	// AWS OpenSearch's small-instance limit).
	MaxContentLength int
	// TLS, when set, makes the server speak HTTPS with it (its
	// Certificates are what clients verify); URL is then https://.
	TLS *tls.Config
}

// NewServer starts a server on a loopback port. Close it when done.
func NewServer(opts Options) *Server {
	if opts.MaxContentLength <= 0 {
		opts.MaxContentLength = 10 << 20
	}
	s := &Server{maxContent: opts.MaxContentLength, indices: map[string]map[string]*Doc{}}
	if opts.TLS == nil {
		s.Server = httptest.NewServer(http.HandlerFunc(s.handle))
		return s
	}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(s.handle))
	s.Server.TLS = opts.TLS.Clone()
	// Refused handshakes are what TLS tests provoke: not worth a log line.
	s.Server.Config.ErrorLog = log.New(io.Discard, "", 0)
	s.Server.StartTLS()
	return s
}

// RejectItems makes the next n bulk items fail with a per-item 429.
func (s *Server) RejectItems(n int) {
	s.mu.Lock()
	s.rejectItems = n
	s.mu.Unlock()
}

// FailRequests makes the next n requests fail as a whole with status.
func (s *Server) FailRequests(n, status int) {
	s.mu.Lock()
	s.failRequests, s.failStatus = n, status
	s.mu.Unlock()
}

// Requests returns how many bulk requests arrived (failed ones included).
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// Docs returns every document of every index whose name starts with
// prefix, in creation order.
func (s *Server) Docs(prefix string) []Doc {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Doc
	for name, idx := range s.indices {
		if strings.HasPrefix(name, prefix) {
			for _, d := range idx {
				out = append(out, *d)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out
}

// Indices returns the index names, sorted.
func (s *Server) Indices() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for k := range s.indices {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
