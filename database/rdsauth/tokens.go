package rdsauth

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/rds/auth"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// TokenValidity is how long RDS accepts a token after it was signed.
const TokenValidity = 15 * time.Minute

// Clock is the time Tokens decide on. Tests pass one that moves only when
// told, so they never sleep for a token to age.
type Clock interface {
	Now() time.Time
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// BuildFunc builds a token; auth.BuildAuthToken is the default.
type BuildFunc func(ctx context.Context, endpoint, region, user string, creds aws.CredentialsProvider) (string, error)

// Options configures Tokens.
type Options struct {
	// Region is the database's AWS region. Required.
	Region string
	// Credentials sign the tokens (an IAM role with rds-db:connect on the
	// database user). Required.
	Credentials aws.CredentialsProvider
	// User, when set, is the database user tokens are built for, whatever
	// the connection config says; by default the config's user.
	User string
	// Lifetime is how long a token is reused: 10 minutes when zero. It must
	// stay below TokenValidity so a connection never starts with a token
	// about to expire.
	Lifetime time.Duration
	// Clock decides when a token is too old; the wall clock when nil.
	Clock Clock
	// Build builds tokens; auth.BuildAuthToken when nil.
	Build BuildFunc
}

// Tokens builds, caches and refreshes IAM tokens, one per endpoint and
// user. It is safe for concurrent use.
type Tokens struct {
	opts Options

	mu    sync.Mutex
	cache map[key]token
}

type key struct{ endpoint, user string }

type token struct {
	value string
	built time.Time
}

// New checks opts and returns Tokens.
func New(opts Options) (*Tokens, error) {
	if opts.Region == "" {
		return nil, invalid("Region", "required")
	}
	if opts.Credentials == nil {
		return nil, invalid("Credentials", "required")
	}
	if opts.Lifetime < 0 || opts.Lifetime >= TokenValidity {
		return nil, invalid("Lifetime", "%v is not between 0 and the token validity (%v)", opts.Lifetime, TokenValidity)
	}
	if opts.Lifetime == 0 {
		opts.Lifetime = 10 * time.Minute
	}
	if opts.Clock == nil {
		opts.Clock = systemClock{}
	}
	if opts.Build == nil {
		opts.Build = func(ctx context.Context, endpoint, region, user string, creds aws.CredentialsProvider) (string, error) {
			return auth.BuildAuthToken(ctx, endpoint, region, user, creds)
		}
	}
	return &Tokens{opts: opts, cache: map[key]token{}}, nil
}

// Token returns a token for user at endpoint (host:port), built now or
// less than Lifetime ago.
func (t *Tokens) Token(ctx context.Context, endpoint, user string) (string, error) {
	if t.opts.User != "" {
		user = t.opts.User
	}
	if user == "" {
		return "", invalid("User", "no database user for %s", endpoint)
	}
	k := key{endpoint, user}
	now := t.opts.Clock.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if tok, ok := t.cache[k]; ok && now.Sub(tok.built) < t.opts.Lifetime && !now.Before(tok.built) {
		return tok.value, nil
	}
	v, err := t.opts.Build(ctx, endpoint, t.opts.Region, user, t.opts.Credentials)
	if err != nil {
		// The error may come from the credentials chain; it holds no secret.
		return "", fmt.Errorf("rdsauth: build token for %s@%s: %w", user, endpoint, err)
	}
	t.cache[k] = token{value: v, built: now}
	return v, nil
}

// BeforeConnect is a pgx connect hook (pgxpool.Config.BeforeConnect): it
// sets cfg.Password to a token for cfg's host, port and user. A config
// whose fallbacks name other hosts is refused: one token cannot serve them.
func (t *Tokens) BeforeConnect(ctx context.Context, cfg *pgx.ConnConfig) error {
	endpoint := net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port)))
	for _, fb := range cfg.Fallbacks {
		// A token names one host and port: another host would refuse it.
		if fb.Host != cfg.Host || fb.Port != cfg.Port {
			return fmt.Errorf("rdsauth: %s: several hosts in one config; give each its own pool (DialRouter does)", endpoint)
		}
	}
	tok, err := t.Token(ctx, endpoint, cfg.User)
	if err != nil {
		return err
	}
	cfg.Password = tok
	return nil
}

// ConfigurePool installs BeforeConnect on cfg, keeping a hook already
// there (it runs first). Its signature fits database.RouterOptions.ConfigurePool.
func (t *Tokens) ConfigurePool(cfg *pgxpool.Config, _ bool) {
	prev := cfg.BeforeConnect
	cfg.BeforeConnect = func(ctx context.Context, cc *pgx.ConnConfig) error {
		if prev != nil {
			if err := prev(ctx, cc); err != nil {
				return err
			}
		}
		return t.BeforeConnect(ctx, cc)
	}
}
