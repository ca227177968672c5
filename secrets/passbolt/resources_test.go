package passbolt_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/passbolt"
)

func TestResourceLifecycle(t *testing.T) {
	e := newEnv(t, "alice", "bob")
	alice, bob := e.dial("alice"), e.dial("bob")
	ctx := context.Background()

	for _, tc := range []struct {
		typeID, desc string
		secret       passbolt.Secret
	}{
		{passbolt.TypePasswordAndDescription, "", passbolt.Secret{Password: secrets.NewValue([]byte("s3cret")), Description: secrets.NewValue([]byte("the db"))}},
		{passbolt.TypePasswordString, "cleartext note", pw("s3cret")},
	} {
		r, err := alice.CreateResource(ctx, passbolt.ResourceInput{Name: "db", Username: "app", URI: "postgres://db", Description: tc.desc, ResourceTypeID: tc.typeID}, tc.secret)
		if err != nil {
			t.Fatalf("CreateResource(%s): %v", tc.typeID, err)
		}
		if r.ResourceTypeID != tc.typeID || r.Name != "db" || r.Description != tc.desc || r.Permission != passbolt.Owner || !r.Personal {
			t.Fatalf("created %+v; want type %s, owner, personal", r, tc.typeID)
		}
		got, s, err := alice.ReadResource(ctx, r.ID)
		if err != nil || got.ID != r.ID || s.Password.Reveal() != "s3cret" || s.Description.Reveal() != tc.secret.Description.Reveal() {
			t.Fatalf("ReadResource = %+v, %v; want the secret back", got, err)
		}
		// Shared with bob, then updated: the new secret is encrypted for both.
		if _, err := alice.Share(ctx, r.ID, passbolt.GrantUser(e.users["bob"].ID, passbolt.Update)); err != nil {
			t.Fatal(err)
		}
		upd := pw("n3w")
		if tc.typeID == passbolt.TypePasswordAndDescription {
			upd.Description = secrets.NewValue([]byte("moved"))
		}
		if _, err := alice.UpdateResource(ctx, r.ID, passbolt.ResourceInput{Name: "db2", Description: tc.desc}, &upd); err != nil {
			t.Fatalf("UpdateResource: %v", err)
		}
		got, s, err = bob.ReadResource(ctx, r.ID)
		if err != nil || got.Name != "db2" || got.ResourceTypeID != tc.typeID || s.Password.Reveal() != "n3w" || got.Permission != passbolt.Update {
			t.Fatalf("bob reads %+v, %v; want db2 with the new password, type kept", got, err)
		}
		// Metadata-only update keeps the secret.
		if _, err := bob.UpdateResource(ctx, r.ID, passbolt.ResourceInput{Name: "db3", Description: tc.desc}, nil); err != nil {
			t.Fatal(err)
		}
		if _, s, err := alice.ReadResource(ctx, r.ID); err != nil || s.Password.Reveal() != "n3w" {
			t.Fatalf("after a metadata update, secret %v; want n3w", err)
		}
		if err := bob.DeleteResource(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := alice.ReadResource(ctx, r.ID); !errors.Is(err, passbolt.ErrNotFound) {
			t.Fatalf("read after delete = %v; want ErrNotFound", err)
		}
	}
	list, err := alice.Resources(ctx)
	if err != nil || len(list) != 0 {
		t.Fatalf("Resources after deleting all = %v, %v", list, err)
	}
}

func TestResourceErrors(t *testing.T) {
	e := newEnv(t, "alice", "bob")
	alice, bob := e.dial("alice"), e.dial("bob")
	ctx := context.Background()
	r, err := alice.CreateResource(ctx, passbolt.ResourceInput{Name: "db"}, pw("x"))
	if err != nil {
		t.Fatal(err)
	}
	missing := "2b8e1c52-7f0e-4c1a-9d5e-2f6a7b8c9d0e"

	// Bad input, refused before any request.
	for name, err := range map[string]error{
		"empty name": func() error { _, err := alice.CreateResource(ctx, passbolt.ResourceInput{}, pw("x")); return err }(),
		"long name": func() error {
			_, err := alice.CreateResource(ctx, passbolt.ResourceInput{Name: strings.Repeat("n", 256)}, pw("x"))
			return err
		}(),
		"long password": func() error {
			_, err := alice.CreateResource(ctx, passbolt.ResourceInput{Name: "x"}, pw(strings.Repeat("p", 4097)))
			return err
		}(),
		"bad id":         func() error { _, _, err := alice.ReadResource(ctx, "db"); return err }(),
		"no changes":     func() error { _, err := alice.Share(ctx, r.ID); return err }(),
		"bad permission": func() error { _, err := alice.Share(ctx, r.ID, passbolt.GrantUser(e.users["bob"].ID, 3)); return err }(),
		"cleartext description on an encrypting type": func() error {
			_, err := alice.CreateResource(ctx, passbolt.ResourceInput{Name: "x", Description: "d", ResourceTypeID: passbolt.TypePasswordAndDescription}, pw("x"))
			return err
		}(),
	} {
		var ie *passbolt.InvalidError
		if !errors.As(err, &ie) || !errors.Is(err, passbolt.ErrInvalid) {
			t.Errorf("%s: %v; want *InvalidError", name, err)
		}
	}

	// Not found: no such resource, or no access to it.
	if _, _, err := alice.ReadResource(ctx, missing); !errors.Is(err, passbolt.ErrNotFound) {
		t.Errorf("read missing = %v; want ErrNotFound", err)
	}
	if _, _, err := bob.ReadResource(ctx, r.ID); !errors.Is(err, passbolt.ErrNotFound) {
		t.Errorf("read without access = %v; want ErrNotFound", err)
	}
	var ae *passbolt.APIError
	if err := bob.DeleteResource(ctx, r.ID); !errors.As(err, &ae) || ae.Status != 404 {
		t.Errorf("delete without access = %v; want *APIError 404", err)
	}

	// Forbidden: read-only access cannot update, delete or share.
	if _, err := alice.Share(ctx, r.ID, passbolt.GrantUser(e.users["bob"].ID, passbolt.Read)); err != nil {
		t.Fatal(err)
	}
	if _, err := bob.UpdateResource(ctx, r.ID, passbolt.ResourceInput{Name: "y"}, nil); !errors.Is(err, passbolt.ErrForbidden) {
		t.Errorf("read-only update = %v; want ErrForbidden", err)
	}
	if err := bob.DeleteResource(ctx, r.ID); !errors.Is(err, passbolt.ErrForbidden) {
		t.Errorf("read-only delete = %v; want ErrForbidden", err)
	}
	if _, err := bob.Share(ctx, r.ID, passbolt.GrantUser(e.users["bob"].ID, passbolt.Owner)); !errors.Is(err, passbolt.ErrForbidden) {
		t.Errorf("read-only share = %v; want ErrForbidden", err)
	}

	// Validation errors name the field and the rule.
	perms, err := alice.Permissions(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	var ownerPerm string
	for _, p := range perms {
		if p.AroID == e.users["alice"].ID {
			ownerPerm = p.ID
		}
	}
	_, err = alice.Share(ctx, r.ID, passbolt.Revoke(ownerPerm))
	var ve *passbolt.ValidationError
	if !errors.As(err, &ve) || !ve.Has("permissions", "at_least_one_owner") || !errors.Is(err, passbolt.ErrInvalid) {
		t.Fatalf("revoking the last owner = %v; want a ValidationError on permissions (at_least_one_owner)", err)
	}
	if !strings.Contains(err.Error(), "permissions (at_least_one_owner)") {
		t.Errorf("error text %q does not name the field", err)
	}
	_, err = alice.Share(ctx, r.ID, passbolt.GrantUser(e.users["bob"].ID, passbolt.Update))
	if !errors.As(err, &ve) || !ve.Has("permissions.0.aro_foreign_key", "permission_unique") {
		t.Fatalf("granting bob twice = %v; want permission_unique", err)
	}
}

func TestUnsupportedResourceType(t *testing.T) {
	e := newEnv(t, "alice")
	_, err := e.dial("alice").CreateResource(context.Background(), passbolt.ResourceInput{Name: "otp", ResourceTypeID: passbolt.TypeTOTP}, pw("x"))
	if !errors.Is(err, passbolt.ErrUnsupported) {
		t.Fatalf("create a TOTP resource = %v; want ErrUnsupported", err)
	}
}
