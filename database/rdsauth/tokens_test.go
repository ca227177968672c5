package rdsauth_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/jackc/pgx/v5"

	"github.com/opskit-dev/opskit/database/rdsauth"
)

// fakeClock moves only when told.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

var testCreds = credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")

// countingBuild returns tokens "tok-<endpoint>-<user>-<n>".
func countingBuild(n *int) rdsauth.BuildFunc {
	var mu sync.Mutex
	return func(_ context.Context, endpoint, _, user string, _ aws.CredentialsProvider) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		*n++
		return fmt.Sprintf("tok-%s-%s-%d", endpoint, user, *n), nil
	}
}

func TestTokensCachedUntilLifetime(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)}
	built := 0
	tk, err := rdsauth.New(rdsauth.Options{Region: "eu-west-1", Credentials: testCreds, Clock: clock, Build: countingBuild(&built)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	first, _ := tk.Token(ctx, "db:5432", "app")
	clock.Advance(9*time.Minute + 59*time.Second)
	if again, _ := tk.Token(ctx, "db:5432", "app"); again != first || built != 1 {
		t.Fatalf("within the lifetime: %q (built %d); want %q reused", again, built, first)
	}
	clock.Advance(time.Second)
	if fresh, _ := tk.Token(ctx, "db:5432", "app"); fresh == first || built != 2 {
		t.Fatalf("at the lifetime: %q (built %d); want a new token", fresh, built)
	}
	other, _ := tk.Token(ctx, "replica:5432", "app")
	if other != "tok-replica:5432-app-3" {
		t.Errorf("another endpoint got %q; want its own token", other)
	}
	// A clock that went backwards never keeps a token alive.
	clock.Advance(-time.Hour)
	if _, _ = tk.Token(ctx, "db:5432", "app"); built != 4 {
		t.Errorf("after the clock went back: built %d; want a new token", built)
	}
}

func TestBeforeConnectSetsPassword(t *testing.T) {
	built := 0
	tk, err := rdsauth.New(rdsauth.Options{Region: "eu-west-1", Credentials: testCreds, Build: countingBuild(&built)})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := pgx.ParseConfig("postgres://app:stale@db.internal:6432/app?sslmode=require")
	if err != nil {
		t.Fatal(err)
	}
	if err := tk.BeforeConnect(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Password != "tok-db.internal:6432-app-1" {
		t.Errorf("Password = %q; want the token for db.internal:6432 and app", cfg.Password)
	}
	multi, err := pgx.ParseConfig("postgres://app@db-a:5432,db-b:5432/app?sslmode=require")
	if err != nil {
		t.Fatal(err)
	}
	if err := tk.BeforeConnect(context.Background(), multi); err == nil {
		t.Error("BeforeConnect accepted a config with two hosts; one token cannot serve both")
	}
}

func TestOptionsInvalid(t *testing.T) {
	for name, o := range map[string]rdsauth.Options{
		"no region":      {Credentials: testCreds},
		"no credentials": {Region: "eu-west-1"},
		"lifetime 15m":   {Region: "eu-west-1", Credentials: testCreds, Lifetime: rdsauth.TokenValidity},
		"negative":       {Region: "eu-west-1", Credentials: testCreds, Lifetime: -time.Second},
	} {
		if _, err := rdsauth.New(o); !errors.Is(err, rdsauth.ErrInvalid) {
			t.Errorf("%s: New = %v; want ErrInvalid", name, err)
		}
	}
}
