package rdsauth_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/opskit-dev/opskit/database"
	"github.com/opskit-dev/opskit/database/rdsauth"
	"github.com/opskit-dev/opskit/internal/testenv"
)

// fakeIAM stands in for RDS's IAM check on the real PostgreSQL: the role's
// password is the newest token, and a token stops working once the test
// clock passes its 15 minutes (expire sets another password).
type fakeIAM struct {
	t     *testing.T
	admin string
	role  string
	mu    sync.Mutex
	n     int
}

func (f *fakeIAM) build(ctx context.Context, endpoint, _, user string, _ aws.CredentialsProvider) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	tok := fmt.Sprintf("iam-token-%d-%s", f.n, hex.EncodeToString(randBytes(8)))
	f.setPassword(ctx, tok)
	return tok, nil
}

// expire makes every token built so far invalid, as 15 minutes would.
func (f *fakeIAM) expire() {
	f.setPassword(context.Background(), "expired-"+hex.EncodeToString(randBytes(8)))
}

func (f *fakeIAM) setPassword(ctx context.Context, pw string) {
	c, err := pgx.Connect(ctx, f.admin)
	if err != nil {
		f.t.Error(err)
		return
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "ALTER ROLE "+pgx.Identifier{f.role}.Sanitize()+" PASSWORD "+quote(pw)); err != nil {
		f.t.Error(err)
	}
}

func quote(s string) string { return "'" + s + "'" } // test tokens: hex and dashes only

func randBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// TestIAMTokenRefreshInPool: a pool and a router whose connect hooks take
// tokens from Tokens keep connecting after their first token expired,
// because new connections get a fresh one (fake clock, no sleeping).
// Without the refresh the second connect fails authentication.
func TestIAMTokenRefreshInPool(t *testing.T) {
	pg := testenv.PostgreSQL(t)
	role := "opskit_iam_" + hex.EncodeToString(randBytes(4))
	admin, err := pgx.Connect(context.Background(), pg.PrimaryDSN)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(context.Background(), "CREATE ROLE "+role+" LOGIN"); err != nil {
		t.Fatal(err)
	}
	admin.Close(context.Background())
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), pg.PrimaryDSN)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		_, _ = c.Exec(context.Background(), "DROP ROLE IF EXISTS "+role)
	})
	iam := &fakeIAM{t: t, admin: pg.PrimaryDSN, role: role}
	clock := &fakeClock{now: time.Now()}
	tk, err := rdsauth.New(rdsauth.Options{Region: "us-east-1", Credentials: testCreds, Clock: clock, Build: iam.build})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(pg.PrimaryDSN)
	u.User = url.User(role) // no password: the hook supplies it
	dsn := u.String()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 1
	tk.ConfigurePool(cfg, true)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	r, err := database.DialRouter(ctx, dsn, database.RouterOptions{ConfigurePool: tk.ConfigurePool, CheckInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()

	whoami := func(step string) {
		t.Helper()
		var got string
		if err := pool.QueryRow(ctx, "SELECT current_user").Scan(&got); err != nil || got != role {
			t.Fatalf("%s: pool: current_user = %q, %v; want %s", step, got, err, role)
		}
		if err := r.Primary().QueryRow(ctx, "SELECT current_user").Scan(&got); err != nil || got != role {
			t.Fatalf("%s: router: current_user = %q, %v; want %s", step, got, err, role)
		}
	}
	whoami("first token")
	for round := 1; round <= 3; round++ {
		// 16 minutes later every token built so far is expired; the pools'
		// next connections must use new ones.
		clock.Advance(16 * time.Minute)
		iam.expire()
		pool.Reset()
		r.Primary().(*pgxpool.Pool).Reset()
		whoami(fmt.Sprintf("after expiry %d", round))
	}
	if iam.n < 4 {
		t.Errorf("built %d tokens; want a new one after each expiry", iam.n)
	}
}
