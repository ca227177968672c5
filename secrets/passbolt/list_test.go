package passbolt_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/opskit-dev/opskit/secrets/passbolt"
)

func TestListAndFilters(t *testing.T) {
	e := newEnv(t, "alice", "bob", "carol")
	alice, bob := e.dial("alice"), e.dial("bob")
	ctx := context.Background()
	zeta, err := alice.CreateResource(ctx, passbolt.ResourceInput{Name: "zeta", URI: "https://z"}, pw("1"))
	if err != nil {
		t.Fatal(err)
	}
	alpha, err := alice.CreateResource(ctx, passbolt.ResourceInput{Name: "Alpha"}, pw("2"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alice.Share(ctx, zeta.ID, passbolt.GrantUser(e.users["bob"].ID, passbolt.Read)); err != nil {
		t.Fatal(err)
	}
	list, err := alice.Resources(ctx)
	if err != nil || len(list) != 2 || list[0].ID != alpha.ID || list[1].ID != zeta.ID || list[1].Permission != passbolt.Owner {
		t.Fatalf("Resources = %+v, %v; want Alpha then zeta, owned", list, err)
	}
	if list[1].Personal || !list[0].Personal {
		t.Errorf("Personal = %v, %v; want zeta shared and Alpha personal", list[1].Personal, list[0].Personal)
	}
	list, err = bob.Resources(ctx)
	if err != nil || len(list) != 1 || list[0].ID != zeta.ID || list[0].Permission != passbolt.Read {
		t.Fatalf("bob's Resources = %+v, %v; want zeta, read", list, err)
	}
	meta, err := bob.Resource(ctx, zeta.ID)
	if err != nil || meta.URI != "https://z" || meta.CreatedBy != e.users["alice"].ID || meta.Created.IsZero() {
		t.Fatalf("Resource = %+v, %v", meta, err)
	}

	users, err := alice.Users(ctx, passbolt.UsersOptions{HasAccess: zeta.ID})
	if err != nil || len(users) != 2 {
		t.Fatalf("Users with access to zeta = %d, %v; want alice and bob", len(users), err)
	}
	users, err = alice.Users(ctx, passbolt.UsersOptions{Search: "caro"})
	if err != nil || len(users) != 1 || users[0].ID != e.users["carol"].ID {
		t.Fatalf("Users search caro = %+v, %v", users, err)
	}
	if _, err := e.dial("carol").Users(ctx, passbolt.UsersOptions{HasAccess: zeta.ID}); !errors.Is(err, passbolt.ErrForbidden) {
		t.Fatalf("has-access filter without access = %v; want ErrForbidden", err)
	}
	if _, err := alice.Users(ctx, passbolt.UsersOptions{HasAccess: "zeta"}); !errors.Is(err, passbolt.ErrInvalid) {
		t.Fatalf("has-access filter with a bad id = %v; want ErrInvalid", err)
	}
}

// htmlProxy answers every API call with a proxy's HTML error page.
type htmlProxy struct{ login bool }

func (p *htmlProxy) Do(req *http.Request) (*http.Response, error) {
	if !p.login || !strings.HasSuffix(req.URL.Path, "/users/me.json") {
		return http.DefaultClient.Do(req)
	}
	return &http.Response{StatusCode: 502, Body: io.NopCloser(strings.NewReader("<html>Bad Gateway</html>")), Header: http.Header{}}, nil
}

func TestNotAnEnvelope(t *testing.T) {
	e := newEnv(t, "alice")
	p := &htmlProxy{}
	o := e.options("alice")
	o.HTTP = p
	c, err := passbolt.Dial(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	p.login = true
	_, err = c.Me(context.Background())
	var ae *passbolt.APIError
	if !errors.As(err, &ae) || ae.Status != 502 || !strings.Contains(err.Error(), "not a Passbolt envelope") {
		t.Fatalf("Me through a failing proxy = %v; want *APIError 502", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Resources(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Resources with a cancelled context = %v; want context.Canceled", err)
	}
}
