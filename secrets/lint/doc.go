// Package lint finds secrets leaked where they do not belong: in
// Dockerfiles, compose files, env files and built images.
//
// Hold a *Linter made by New. Linter.Dockerfile reads a Dockerfile with
// BuildKit's own parser; Linter.Compose a compose or stack file;
// Linter.EnvFile an env file; Linter.File picks one by the file's name
// (KindOf) and Linter.Paths walks directories. Linter.Image reads a built
// image's config and history through ImageAPI, the two Docker Engine API
// calls it needs (*client.Client implements it).
//
// What counts as a secret: a value in a credential format under any name
// (AWS access key IDs, GitHub, GitLab, Slack, npm, Stripe, Google,
// SendGrid, Vault, OpenAI and Anthropic tokens, PEM private keys, JWTs,
// passwords in URLs); a literal under a secret-looking name (DB_PASSWORD,
// apiKey, NPM_TOKEN) unless the value is clearly harmless (empty, a
// ${VAR} reference, a path as in PASSWORD_FILE, a boolean, a number, a
// placeholder such as changeme or <token>); a long random string under a
// name that says nothing. Names that describe a secret without holding
// it (USERNAME, GOPRIVATE, TOKEN_URL, SECRET_NAME, GPG_KEY, *_SHA256) are
// not secrets, which is where a name list such as hadolint's DL3064 goes
// wrong. Beyond values: ARG with a secret-looking name, credential files
// copied in (id_rsa, .env, .npmrc, .pgpass, credentials.json...), and
// secrets on command lines (--password X, mysql -pX, curl -u user:pass,
// TOKEN=... cmd, Authorization headers).
//
// Results are the shared audit model, re-exported here: a Finding per
// check and place, with a stable check ID (secrets.lint.dockerfile.env,
// secrets.lint.compose.environment, secrets.lint.image.history...), the
// file and line as resource ("Dockerfile:12", which SARIF turns into a
// physical location), evidence in which every secret is redacted, and a
// remediation naming the fix (RUN --mount=type=secret, swarm secrets,
// run-time injection). Put them in a Report to write a table, JSON, SARIF
// 2.1.0 or JUnit, apply waivers and turn them into an exit code.
package lint
