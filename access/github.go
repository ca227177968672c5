package access

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// KeyFetcher resolves an account on a key service to its published public
// key lines.
type KeyFetcher interface {
	FetchKeys(ctx context.Context, account string) ([]string, error)
}

// GitHubKeys fetches https://github.com/USER.keys, caching each account's
// answer for TTL. It is safe for concurrent use.
type GitHubKeys struct {
	opts  GitHubOptions
	mu    sync.Mutex
	cache map[string]cachedKeys
}

// GitHubOptions configures GitHubKeys.
type GitHubOptions struct {
	// BaseURL defaults to https://github.com; tests point it at httptest.
	BaseURL string
	// Client defaults to an http.Client with a 10 s timeout.
	Client *http.Client
	// TTL is how long an answer is reused; 0 means 10 minutes.
	TTL time.Duration
	// Now defaults to time.Now.
	Now func() time.Time
}

type cachedKeys struct {
	lines []string
	at    time.Time
}

// maxKeysBody caps how much of a .keys answer is read.
const maxKeysBody = 1 << 20

// NewGitHubKeys returns a fetcher for GitHub's published keys.
func NewGitHubKeys(opts GitHubOptions) *GitHubKeys {
	if opts.BaseURL == "" {
		opts.BaseURL = "https://github.com"
	}
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if opts.TTL == 0 {
		opts.TTL = 10 * time.Minute
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &GitHubKeys{opts: opts, cache: map[string]cachedKeys{}}
}

// validGitHubAccount allows GitHub's account syntax only, so the account
// cannot alter the request path.
func validGitHubAccount(a string) bool {
	if a == "" || len(a) > 39 || a[0] == '-' {
		return false
	}
	for i := 0; i < len(a); i++ {
		c := a[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// FetchKeys returns account's published key lines, from the cache when fresh.
func (g *GitHubKeys) FetchKeys(ctx context.Context, account string) ([]string, error) {
	if !validGitHubAccount(account) {
		return nil, fmt.Errorf("%w: github:%s: not a GitHub account name", ErrFetchKeys, account)
	}
	key := strings.ToLower(account)
	now := g.opts.Now()
	g.mu.Lock()
	if c, ok := g.cache[key]; ok && now.Sub(c.at) < g.opts.TTL {
		g.mu.Unlock()
		return append([]string(nil), c.lines...), nil
	}
	g.mu.Unlock()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(g.opts.BaseURL, "/")+"/"+account+".keys", nil)
	if err != nil {
		return nil, fmt.Errorf("%w: github:%s: %v", ErrFetchKeys, account, err)
	}
	resp, err := g.opts.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: github:%s: %v", ErrFetchKeys, account, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: github:%s: %s", ErrFetchKeys, account, resp.Status)
	}
	var lines []string
	sc := bufio.NewScanner(io.LimitReader(resp.Body, maxKeysBody))
	sc.Buffer(make([]byte, 0, 16<<10), 64<<10)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			lines = append(lines, l)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: github:%s: %v", ErrFetchKeys, account, err)
	}
	g.mu.Lock()
	g.cache[key] = cachedKeys{lines: lines, at: now}
	g.mu.Unlock()
	return append([]string(nil), lines...), nil
}
