package sshhost

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/opskit-dev/opskit/access"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// Config configures a Host.
type Config struct {
	// Name identifies the host in results; default the address.
	Name string
	// User is the login user; default "root". A non-root user needs Sudo.
	User string
	// Auth are the authentication methods, e.g. ssh.PublicKeys(signer).
	Auth []ssh.AuthMethod
	// KnownHostsFile is a known_hosts file the host key must be in.
	KnownHostsFile string
	// HostKeyCallback checks the host key; it takes precedence over
	// KnownHostsFile.
	HostKeyCallback ssh.HostKeyCallback
	// InsecureIgnoreHostKey skips host key verification. It is unsafe: a
	// machine in the middle gets every key and root. Only for throwaway
	// test hosts.
	InsecureIgnoreHostKey bool
	// Sudo runs the script through `sudo -n`.
	Sudo bool
	// DialTimeout bounds connecting and the SSH handshake; default 10 s.
	DialTimeout time.Duration
}

// ErrNoHostKeyCheck means a Config names no way to verify host keys.
var ErrNoHostKeyCheck = errors.New("sshhost: no host key verification configured (set KnownHostsFile or HostKeyCallback; InsecureIgnoreHostKey is unsafe)")

// Host is an access.Host reached over SSH. It dials on first use and keeps
// one connection, running each operation as a session on it. It is safe for
// concurrent use.
type Host struct {
	addr   string
	cfg    Config
	cc     *ssh.ClientConfig
	mu     sync.Mutex
	client *ssh.Client
}

var _ access.Host = (*Host)(nil)

// New returns a Host for addr ("host:port") without connecting.
func New(addr string, cfg Config) (*Host, error) {
	if cfg.User == "" {
		cfg.User = "root"
	}
	if cfg.Name == "" {
		cfg.Name = addr
	}
	if cfg.DialTimeout == 0 {
		cfg.DialTimeout = 10 * time.Second
	}
	cb := cfg.HostKeyCallback
	switch {
	case cb != nil:
	case cfg.KnownHostsFile != "":
		var err error
		if cb, err = knownhosts.New(cfg.KnownHostsFile); err != nil {
			return nil, fmt.Errorf("sshhost: host %s: known_hosts: %w", cfg.Name, err)
		}
	case cfg.InsecureIgnoreHostKey:
		cb = ssh.InsecureIgnoreHostKey()
	default:
		return nil, fmt.Errorf("%w (host %s)", ErrNoHostKeyCheck, cfg.Name)
	}
	if len(cfg.Auth) == 0 {
		return nil, &access.InvalidError{Input: fmt.Sprintf("sshhost.Config for %s", cfg.Name), Field: "Auth", Reason: "no authentication methods", Err: access.ErrInvalidOption}
	}
	return &Host{addr: addr, cfg: cfg, cc: &ssh.ClientConfig{
		User: cfg.User, Auth: cfg.Auth, HostKeyCallback: cb, Timeout: cfg.DialTimeout,
	}}, nil
}

// Name returns the host's name.
func (h *Host) Name() string { return h.cfg.Name }

// Close closes the connection, if one is open.
func (h *Host) Close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.client == nil {
		return nil
	}
	err := h.client.Close()
	h.client = nil
	return err
}

func (h *Host) conn(ctx context.Context) (*ssh.Client, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.client != nil {
		return h.client, nil
	}
	d := net.Dialer{Timeout: h.cfg.DialTimeout}
	nc, err := d.DialContext(ctx, "tcp", h.addr)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(h.cfg.DialTimeout)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	_ = nc.SetDeadline(deadline)
	c, chans, reqs, err := ssh.NewClientConn(nc, h.addr, h.cc)
	if err != nil {
		nc.Close()
		return nil, err
	}
	_ = nc.SetDeadline(time.Time{})
	h.client = ssh.NewClient(c, chans, reqs)
	return h.client, nil
}

// drop closes c if it is still the current connection, so the next
// operation redials.
func (h *Host) drop(c *ssh.Client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.client == c {
		h.client.Close()
		h.client = nil
	}
}

// command is the constant command line for op: the embedded script in
// single quotes (it contains none), the op name and its flag, if any (both
// constants of this package).
func (h *Host) command(op, flag string) string {
	cmd := "/bin/sh -c '" + script + "' opskit-access " + op
	if flag != "" {
		cmd += " " + flag
	}
	if h.cfg.Sudo {
		cmd = "sudo -n " + cmd
	}
	return cmd
}

// run runs the script with op and its flag, feeding stdin, and returns its
// stdout.
func (h *Host) run(ctx context.Context, op, flag string, stdin []byte) ([]byte, error) {
	c, err := h.conn(ctx)
	if err != nil {
		return nil, &access.HostError{Host: h.Name(), Op: "connect", Err: fmt.Errorf("%w: %w", access.ErrHost, err)}
	}
	sess, err := c.NewSession()
	if err != nil {
		h.drop(c)
		return nil, &access.HostError{Host: h.Name(), Op: op, Err: fmt.Errorf("%w: new session: %v", access.ErrHost, err)}
	}
	defer sess.Close()
	var stdout, stderr bytes.Buffer
	sess.Stdin = bytes.NewReader(stdin)
	sess.Stdout = &stdout
	sess.Stderr = &limitedBuffer{max: 4096, b: &stderr}
	done := make(chan error, 1)
	if err := sess.Start(h.command(op, flag)); err != nil {
		h.drop(c)
		return nil, &access.HostError{Host: h.Name(), Op: op, Err: fmt.Errorf("%w: %v", access.ErrHost, err)}
	}
	go func() { done <- sess.Wait() }()
	select {
	case err = <-done:
	case <-ctx.Done():
		// The host stopped answering or the caller gave up: drop the
		// connection so nothing waits on it.
		h.drop(c)
		return nil, &access.HostError{Host: h.Name(), Op: op, Err: fmt.Errorf("%w: %w", access.ErrHost, ctx.Err())}
	}
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		return stdout.Bytes(), &access.HostError{Host: h.Name(), Op: op, Err: fmt.Errorf("%w: %v: %s", access.ErrHost, err, msg)}
	}
	return stdout.Bytes(), nil
}

type limitedBuffer struct {
	max int
	b   *bytes.Buffer
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - l.b.Len(); room > 0 {
		if len(p) > room {
			l.b.Write(p[:room])
		} else {
			l.b.Write(p)
		}
	}
	return len(p), nil
}

// Snapshot reads the host's accounts and managed files in one session.
// With opts.SkipKeyFiles the script neither runs sshd -T nor starts a
// reader as any account: nothing inside a home is read.
func (h *Host) Snapshot(ctx context.Context, opts access.SnapshotOptions) (*access.HostState, error) {
	flag := ""
	if opts.SkipKeyFiles {
		flag = "nokeys"
	}
	out, err := h.run(ctx, "snapshot", flag, nil)
	if err != nil {
		return nil, err
	}
	st, err := parseSnapshot(out)
	if err != nil {
		return nil, &access.HostError{Host: h.Name(), Op: "snapshot", Err: fmt.Errorf("%w: %v", access.ErrHost, err)}
	}
	return st, nil
}

// Apply validates every op, then runs them all in one session.
func (h *Host) Apply(ctx context.Context, ops []access.Op) ([]access.OpResult, error) {
	var in bytes.Buffer
	for _, op := range ops {
		rec, err := record(op)
		if err != nil {
			return nil, err
		}
		in.WriteString(rec)
	}
	if len(ops) == 0 {
		return nil, nil
	}
	out, err := h.run(ctx, "apply", "", in.Bytes())
	if err != nil {
		return nil, err
	}
	res, err := parseApply(out, ops)
	if err != nil {
		return nil, &access.HostError{Host: h.Name(), Op: "apply", Err: fmt.Errorf("%w: %v", access.ErrHost, err)}
	}
	return res, nil
}

// Facts reads sshd -T (globally, and per managed account and probe
// address), apt's simulated upgrade and the reboot flag in one session,
// and the server's handshake offer over a second, unauthenticated
// connection to the same address.
func (h *Host) Facts(ctx context.Context) (*access.HostFacts, error) {
	out, err := h.run(ctx, "facts", "", nil)
	if err != nil {
		return nil, err
	}
	f, err := parseFacts(out)
	if err != nil {
		return nil, &access.HostError{Host: h.Name(), Op: "facts", Err: fmt.Errorf("%w: %v", access.ErrHost, err)}
	}
	if f.Offer, err = access.ReadSSHOffer(ctx, h.addr); err != nil {
		f.OfferError = err.Error()
	}
	return f, nil
}
