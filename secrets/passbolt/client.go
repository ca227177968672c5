package passbolt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/opskit-dev/opskit/secrets/passbolt/internal/pgp"
)

// Client is a logged-in Passbolt session. It is safe for concurrent use.
type Client struct {
	base          string
	userID        string
	key           *openpgp.Entity
	pinned        string
	http          Doer
	now           func() time.Time
	refreshBefore time.Duration
	challengeTTL  time.Duration

	keys keyCache // users' public keys, parsed

	mu        sync.Mutex // guards the session below; held while refreshing
	server    *openpgp.Entity
	access    string
	accessExp time.Time
	refresh   string
	closed    bool
}

var (
	uuidRe        = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	fingerprintRe = regexp.MustCompile(`^[A-F0-9]{40}$`)
)

func isUUID(s string) bool { return uuidRe.MatchString(s) }

// Dial checks the options, fetches the server key (refused unless it is
// the pinned one) and logs in.
func Dial(ctx context.Context, opts Options) (*Client, error) {
	c, err := newClient(opts)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.login(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

func newClient(opts Options) (*Client, error) {
	u, err := url.Parse(opts.URL)
	if opts.URL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, invalid("options", "URL", "want an http or https base URL")
	}
	if u.Scheme == "http" && !loopbackHost(u.Hostname()) {
		return nil, invalid("options", "URL", "http:// would send the session tokens in plaintext; use https:// (http:// is for a test server on loopback)")
	}
	if !isUUID(opts.UserID) {
		return nil, invalid("options", "UserID", "want a UUID")
	}
	pin := strings.ToUpper(strings.ReplaceAll(opts.ServerFingerprint, " ", ""))
	if !fingerprintRe.MatchString(pin) {
		return nil, invalid("options", "ServerFingerprint", "want 40 hex digits")
	}
	if opts.PrivateKey.IsZero() {
		return nil, invalid("options", "PrivateKey", "required")
	}
	key, err := pgp.ReadKey(string(opts.PrivateKey.Bytes()))
	if err != nil || key.PrivateKey == nil {
		return nil, invalid("options", "PrivateKey", "not an armored OpenPGP private key")
	}
	if err := pgp.Unlock(key, opts.Passphrase.Bytes()); err != nil {
		return nil, invalid("options", "Passphrase", "%v", err)
	}
	c := &Client{
		base: strings.TrimRight(opts.URL, "/"), userID: strings.ToLower(opts.UserID), key: key, pinned: pin,
		http: opts.HTTP, now: opts.Now, refreshBefore: opts.RefreshBefore, challengeTTL: opts.ChallengeTTL,
	}
	if c.http == nil {
		c.http = http.DefaultClient
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.refreshBefore <= 0 {
		c.refreshBefore = time.Minute
	}
	if c.challengeTTL <= 0 {
		c.challengeTTL = 5 * time.Minute
	}
	return c, nil
}

// UserID is the logged-in user's id.
func (c *Client) UserID() string { return c.userID }

// envelopeReply is the server's {header, body}.
type envelopeReply struct {
	Header struct {
		Status  string `json:"status"`
		Message string `json:"message"`
		Code    int    `json:"code"`
	} `json:"header"`
	Body json.RawMessage `json:"body"`
}

// request is one API call.
type request struct {
	op     string // for errors, e.g. `read resource 0f1e...`
	method string
	path   string // without .json
	query  url.Values
	in     any
	out    any
	public bool // no Bearer token
	auth   bool // a refusal is ErrUnauthorized (login, refresh)
	resp   func(*http.Response)
}

// call sends r with a fresh access token, refreshing or logging in again
// once if the server answers 401.
func (c *Client) call(ctx context.Context, r request) error {
	for attempt := 0; ; attempt++ {
		token := ""
		if !r.public {
			var err error
			if token, err = c.token(ctx, attempt > 0); err != nil {
				return err
			}
		}
		err := c.send(ctx, r, token)
		if attempt == 0 && !r.public && isStatus(err, http.StatusUnauthorized) {
			continue
		}
		return err
	}
}

func isStatus(err error, code int) bool {
	e, ok := err.(*APIError)
	return ok && e.Status == code
}

// send sends one request and decodes the envelope.
func (c *Client) send(ctx context.Context, r request, token string) error {
	var body io.Reader
	if r.in != nil {
		b, err := json.Marshal(r.in)
		if err != nil {
			return fmt.Errorf("passbolt: %s: encode request: %w", r.op, err)
		}
		body = bytes.NewReader(b)
	}
	u := c.base + r.path + ".json"
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, body)
	if err != nil {
		return fmt.Errorf("passbolt: %s: %w", r.op, err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("passbolt: %s: %w", r.op, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("passbolt: %s: read reply: %w", r.op, err)
	}
	var env envelopeReply
	if err := json.Unmarshal(raw, &env); err != nil || env.Header.Status == "" {
		return &APIError{Op: r.op, Status: resp.StatusCode, Message: "reply is not a Passbolt envelope", auth: r.auth}
	}
	if resp.StatusCode >= 400 || env.Header.Status != "success" {
		return replyError(r, resp.StatusCode, env)
	}
	if r.resp != nil {
		r.resp(resp)
	}
	if r.out != nil {
		if err := json.Unmarshal(env.Body, r.out); err != nil {
			return fmt.Errorf("passbolt: %s: decode reply body: %w", r.op, err)
		}
	}
	return nil
}

func replyError(r request, status int, env envelopeReply) error {
	if status == http.StatusBadRequest && !r.auth {
		var tree map[string]any
		if json.Unmarshal(env.Body, &tree) == nil && len(tree) > 0 {
			fields := map[string]map[string]string{}
			flatten("", tree, fields)
			return &ValidationError{Op: r.op, Message: env.Header.Message, Fields: fields}
		}
	}
	return &APIError{Op: r.op, Status: status, Message: env.Header.Message, auth: r.auth}
}

// loopbackHost reports whether host is localhost or a loopback address.
func loopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
