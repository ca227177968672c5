package passbolt_test

import (
	"context"
	"errors"
	"slices"
	"sort"
	"testing"

	"github.com/opskit-dev/opskit/secrets/passbolt"
)

func TestShareUsersAndGroups(t *testing.T) {
	e := newEnv(t, "alice", "bob", "carol", "dave")
	g, err := e.srv.AddGroup("ops", e.users["carol"].ID, e.users["dave"].ID)
	if err != nil {
		t.Fatal(err)
	}
	alice := e.dial("alice")
	ctx := context.Background()
	r, err := alice.CreateResource(ctx, passbolt.ResourceInput{Name: "root"}, pw("hunter2"))
	if err != nil {
		t.Fatal(err)
	}
	sim, err := alice.SimulateShare(ctx, r.ID, passbolt.GrantUser(e.users["bob"].ID, passbolt.Read), passbolt.GrantGroup(g.ID, passbolt.Update))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{e.users["bob"].ID, e.users["carol"].ID, e.users["dave"].ID}
	sort.Strings(want)
	if got := slices.Sorted(slices.Values(sim.Added)); !slices.Equal(got, want) || len(sim.Removed) != 0 {
		t.Fatalf("SimulateShare = %+v; want added %v", sim, want)
	}
	if got := e.srv.SecretUsers(r.ID); len(got) != 1 {
		t.Fatalf("simulate changed the secrets: %v", got)
	}
	if _, err := alice.Share(ctx, r.ID, passbolt.GrantUser(e.users["bob"].ID, passbolt.Read), passbolt.GrantGroup(g.ID, passbolt.Update)); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"bob", "carol", "dave"} {
		if _, s, err := e.dial(n).ReadResource(ctx, r.ID); err != nil || s.Password.Reveal() != "hunter2" {
			t.Fatalf("%s reads %v; want the shared secret", n, err)
		}
	}
	all := append([]string{e.users["alice"].ID}, want...)
	sort.Strings(all)
	if got := e.srv.SecretUsers(r.ID); !slices.Equal(got, all) {
		t.Fatalf("server holds secrets for %v; want %v", got, all)
	}

	// Revoke bob and the group: they lose access and their secrets.
	perms, err := alice.Permissions(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	var changes []passbolt.PermissionChange
	for _, p := range perms {
		if p.AroID != e.users["alice"].ID {
			changes = append(changes, passbolt.Revoke(p.ID))
		}
	}
	res, err := alice.Share(ctx, r.ID, changes...)
	if err != nil || len(res.Removed) != 3 || len(res.Added) != 0 {
		t.Fatalf("revoke = %+v, %v; want 3 removed", res, err)
	}
	if _, _, err := e.dial("carol").ReadResource(ctx, r.ID); !errors.Is(err, passbolt.ErrNotFound) {
		t.Fatalf("carol after revoke = %v; want ErrNotFound", err)
	}
	if got := e.srv.SecretUsers(r.ID); len(got) != 1 || got[0] != e.users["alice"].ID {
		t.Fatalf("server holds secrets for %v after revoke; want only alice", got)
	}

	// Owner handed over: bob becomes owner and can share on.
	if _, err := alice.Share(ctx, r.ID, passbolt.GrantUser(e.users["bob"].ID, passbolt.Owner)); err != nil {
		t.Fatal(err)
	}
	bob := e.dial("bob")
	if _, err := bob.Share(ctx, r.ID, passbolt.GrantUser(e.users["dave"].ID, passbolt.Read)); err != nil {
		t.Fatalf("bob as owner shares: %v", err)
	}
	perms, _ = bob.Permissions(ctx, r.ID)
	for _, p := range perms {
		if p.AroID == e.users["dave"].ID {
			if _, err := bob.Share(ctx, r.ID, passbolt.SetType(p.ID, passbolt.Update)); err != nil {
				t.Fatalf("SetType: %v", err)
			}
		}
	}
	if got, _, err := e.dial("dave").ReadResource(ctx, r.ID); err != nil || got.Permission != passbolt.Update {
		t.Fatalf("dave's permission %v, %v; want Update", got.Permission, err)
	}
}

// TestUpdateReachesGroupMembers: an update encrypts the new secret for
// every user with access, including those who have it through a group.
func TestUpdateReachesGroupMembers(t *testing.T) {
	e := newEnv(t, "alice", "bob", "erin")
	g, err := e.srv.AddGroup("ops", e.users["bob"].ID, e.users["erin"].ID)
	if err != nil {
		t.Fatal(err)
	}
	alice := e.dial("alice")
	ctx := context.Background()
	r, err := alice.CreateResource(ctx, passbolt.ResourceInput{Name: "vpn"}, pw("one"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alice.Share(ctx, r.ID, passbolt.GrantGroup(g.ID, passbolt.Read)); err != nil {
		t.Fatal(err)
	}
	upd := pw("two")
	if _, err := alice.UpdateResource(ctx, r.ID, passbolt.ResourceInput{Name: "vpn"}, &upd); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"bob", "erin"} {
		if _, s, err := e.dial(n).ReadResource(ctx, r.ID); err != nil || s.Password.Reveal() != "two" {
			t.Fatalf("%s after the update: %v", n, err)
		}
	}
	if got := e.srv.SecretUsers(r.ID); len(got) != 3 {
		t.Fatalf("secrets held by %v; want alice, bob and erin", got)
	}
}
