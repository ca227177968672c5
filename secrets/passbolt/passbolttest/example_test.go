package passbolttest_test

import (
	"encoding/json"
	"fmt"
	"log"
	"net/http"

	"github.com/opskit-dev/opskit/secrets/passbolt/passbolttest"
)

// The server answers any HTTP client, in the real server's envelope.
func ExampleNew() {
	srv, err := passbolttest.New(passbolttest.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	resp, err := http.Get(srv.URL() + "/auth/verify.json")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var env struct {
		Header struct {
			Status string `json:"status"`
			Code   int    `json:"code"`
		} `json:"header"`
		Body struct {
			Fingerprint string `json:"fingerprint"`
		} `json:"body"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		log.Fatal(err)
	}
	fmt.Println(env.Header.Status, env.Header.Code, env.Body.Fingerprint == srv.Fingerprint())
	// Output: success 200 true
}

// Calls without a JWT are refused as on the real server.
func ExampleServer_AddUser() {
	srv, _ := passbolttest.New(passbolttest.Options{})
	defer srv.Close()
	alice, err := srv.AddUser("alice@example.com")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(alice.Fingerprint), alice.PrivateKey != "")

	resp, err := http.Get(srv.URL() + "/users/me.json")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var env struct {
		Header struct {
			Message string `json:"message"`
		} `json:"header"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&env)
	fmt.Println(resp.StatusCode, env.Header.Message)
	// Output:
	// 40 true
	// 401 Authentication is required to continue
}

// Resource type ids are the same on every Passbolt install.
func ExampleResourceTypeID() {
	fmt.Println(passbolttest.ResourceTypeID(passbolttest.TypePasswordString))
	fmt.Println(passbolttest.ResourceTypeID(passbolttest.TypePasswordAndDescription))
	// Output:
	// 669f8c64-242a-59fb-92fc-81f660975fd3
	// a28a04cd-6f53-518a-967c-9963bf9cec51
}
