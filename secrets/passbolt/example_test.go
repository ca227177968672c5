package passbolt_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/passbolt"
	"github.com/opskit-dev/opskit/secrets/passbolt/passbolttest"
)

// Dial logs in; resources are created, shared and read with their
// secrets decrypted. Here against the test server; in production the URL,
// the user's key and the pinned server fingerprint come from your config.
func Example() {
	srv, err := passbolttest.New(passbolttest.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	alice, _ := srv.AddUser("alice@example.com")
	bob, _ := srv.AddUser("bob@example.com")

	ctx := context.Background()
	c, err := passbolt.Dial(ctx, passbolt.Options{
		URL:               srv.URL(),
		UserID:            alice.ID,
		PrivateKey:        secrets.NewValue([]byte(alice.PrivateKey)),
		ServerFingerprint: srv.Fingerprint(),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	r, err := c.CreateResource(ctx, passbolt.ResourceInput{Name: "prod db", Username: "app"},
		passbolt.Secret{Password: secrets.NewValue([]byte("s3cret")), Description: secrets.NewValue([]byte("primary"))})
	if err != nil {
		log.Fatal(err)
	}
	// Simulated, then shared with the secret encrypted for bob.
	res, err := c.Share(ctx, r.ID, passbolt.GrantUser(bob.ID, passbolt.Read))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("users added:", len(res.Added))

	_, s, err := c.ReadResource(ctx, r.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("printed:", s.Password)
	fmt.Println("revealed:", s.Password.Reveal())
	// Output:
	// users added: 1
	// printed: [REDACTED]
	// revealed: s3cret
}

// A server whose key is not the pinned one is refused.
func ExampleDial_serverKeyPinned() {
	srv, _ := passbolttest.New(passbolttest.Options{})
	defer srv.Close()
	alice, _ := srv.AddUser("alice@example.com")
	pinned := srv.Fingerprint()
	_ = srv.RotateKey() // the key is swapped behind our back

	_, err := passbolt.Dial(context.Background(), passbolt.Options{
		URL: srv.URL(), UserID: alice.ID, PrivateKey: secrets.NewValue([]byte(alice.PrivateKey)),
		ServerFingerprint: pinned,
	})
	fmt.Println(errors.Is(err, passbolt.ErrServerKey))
	// Output: true
}

// UpdateResource re-encrypts the secret for every user with access.
func ExampleClient_UpdateResource() {
	srv, _ := passbolttest.New(passbolttest.Options{})
	defer srv.Close()
	alice, _ := srv.AddUser("alice@example.com")
	bob, _ := srv.AddUser("bob@example.com")
	ctx := context.Background()
	c, err := passbolt.Dial(ctx, passbolt.Options{
		URL: srv.URL(), UserID: alice.ID, PrivateKey: secrets.NewValue([]byte(alice.PrivateKey)),
		ServerFingerprint: srv.Fingerprint(),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	r, _ := c.CreateResource(ctx, passbolt.ResourceInput{Name: "wifi"}, passbolt.Secret{Password: secrets.NewValue([]byte("old"))})
	_, _ = c.Share(ctx, r.ID, passbolt.GrantUser(bob.ID, passbolt.Update))

	_, err = c.UpdateResource(ctx, r.ID, passbolt.ResourceInput{Name: "wifi"}, &passbolt.Secret{Password: secrets.NewValue([]byte("new"))})
	fmt.Println(err, len(srv.SecretUsers(r.ID)))
	// Output: <nil> 2
}

// Refusals come back as typed errors callers branch on.
func ExampleValidationError() {
	srv, _ := passbolttest.New(passbolttest.Options{})
	defer srv.Close()
	alice, _ := srv.AddUser("alice@example.com")
	ctx := context.Background()
	c, err := passbolt.Dial(ctx, passbolt.Options{
		URL: srv.URL(), UserID: alice.ID, PrivateKey: secrets.NewValue([]byte(alice.PrivateKey)),
		ServerFingerprint: srv.Fingerprint(),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	r, _ := c.CreateResource(ctx, passbolt.ResourceInput{Name: "x"}, passbolt.Secret{Password: secrets.NewValue([]byte("y"))})
	perms, _ := c.Permissions(ctx, r.ID)

	_, err = c.Share(ctx, r.ID, passbolt.Revoke(perms[0].ID)) // the only owner
	var ve *passbolt.ValidationError
	fmt.Println(errors.As(err, &ve), ve.Has("permissions", "at_least_one_owner"))
	_, _, err = c.ReadResource(ctx, "00000000-0000-4000-8000-000000000000")
	fmt.Println(errors.Is(err, passbolt.ErrNotFound))
	// Output:
	// true true
	// true
}
