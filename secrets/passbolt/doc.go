// Package passbolt is a client for the Passbolt API, where teams keep
// shared passwords end-to-end encrypted with each member's OpenPGP key.
//
// Hold a *Client, made by Dial: it fetches the server key, refuses it
// unless its fingerprint is the one pinned in Options.ServerFingerprint,
// and logs in with the JWT flow (a challenge encrypted to the server key
// and signed with the user's key; the server's answer must be signed by
// the pinned key). Access tokens are refreshed before they expire; Logout
// or Close ends the session. Resources are created, read (with the secret
// decrypted), updated (the secret re-encrypted for every user with
// access) and deleted; Share simulates the change first and then sends
// the secret encrypted for each user who gains access. Secrets come back
// as secrets.Value, which never prints.
//
// Errors: *InvalidError (ErrInvalid) for bad input, found before any
// request; the server's refusals as *APIError, matching ErrNotFound,
// ErrForbidden or ErrUnauthorized, and *ValidationError (also ErrInvalid)
// naming the fields the server refused; *ServerKeyError (ErrServerKey)
// for a server key that is not the pinned one.
//
// secrets/passbolt/passbolttest is an in-process Passbolt server that
// follows the real server's rules, for tests.
package passbolt
