// Package passbolttest is an in-process Passbolt API server for tests: an
// httptest server on a loopback port that follows the real server's rules
// (passbolt_api v5, CakePHP), so users test their own Passbolt automation,
// in any language, without a server.
//
// New starts a Server with its own OpenPGP key and JWT signing key;
// AddUser and AddGroup make the accounts a test needs (AddUser returns the
// user's armored private key). The server speaks the JWT login of
// /auth/jwt/login.json: the challenge must be an armored message with a
// CRC24 checksum line, encrypted to the server key and signed by the
// user's primary key, whose JSON holds version "1.0.0", the server's base
// URL as domain, a UUID verify_token used at most once, and a
// verify_token_expiry no earlier than now and no later than now plus the
// verify-token window. The access token is an RS256 JWT that lasts 5
// minutes; the refresh token is an opaque UUID that lasts a month, can be
// used once, and is renewed through Set-Cookie. Every reply is the
// {header, body} envelope, with the action id the real server computes
// (a UUIDv5 of "Controller.action"). Resources carry permissions (1 read,
// 7 update, 15 owner, directly or through groups), and every create,
// update and share must carry a secret for exactly the users with access;
// resource types have the same fixed ids as on every Passbolt install.
// Options.Now lets a test move the server's clock.
//
// Limits: no GPGAuth (session) login, MFA, CSRF, cookie-mode refresh or
// `token` query parameter; no folders, tags, comments, favorites or v5
// encrypted metadata (v4 resources with cleartext metadata only); no admin
// endpoints (users and groups are made with AddUser and AddGroup, not over
// HTTP); no pagination or sorting (index endpoints answer everything, by
// name); no secret-access log; query strings honour only the contains and
// filters the package's handlers document (others are dropped, as the
// real server drops unknown keys); state lives in memory and dies with
// Close; wrong-domain and bad-signature logins are refused but no admin is
// emailed.
package passbolttest
