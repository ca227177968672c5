package lint_test

import (
	"context"
	"fmt"
	"os"
	"time"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/client"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/opskit-dev/opskit/secrets/lint"
)

// printFailures prints the failing findings: check, place, evidence.
func printFailures(findings []lint.Finding) {
	for _, f := range findings {
		if f.Status == lint.StatusFail {
			fmt.Printf("%s %s\n  %s\n", f.CheckID, f.Resource, f.Evidence)
		}
	}
}

// A Dockerfile with three leaks among lines that only look like them:
// GOPRIVATE and PASSWORD_FILE name no secret, and the secret mount is the
// fix. Evidence never shows a secret.
func ExampleLinter_Dockerfile() {
	dockerfile := `FROM node:20
ENV GOPRIVATE=github.com/acme-corp/* DB_PASSWORD_FILE=/run/secrets/db
ARG NPM_TOKEN
ENV GITHUB_TOKEN=ghp_Fak3T0kenF0rTheD0csOnly0123456789ABC
COPY .npmrc /app/
RUN --mount=type=secret,id=npm,env=NPM_TOKEN npm ci
`
	findings, err := lint.New(lint.Options{}).Dockerfile("Dockerfile", []byte(dockerfile))
	if err != nil {
		fmt.Println(err)
		return
	}
	printFailures(findings)
	// Output:
	// secrets.lint.dockerfile.env Dockerfile:4
	//   GitHub token: ENV GITHUB_TOKEN=ghp_…[redacted]
	// secrets.lint.dockerfile.arg Dockerfile:3
	//   secret-looking build argument NPM_TOKEN: ARG NPM_TOKEN
	// secrets.lint.dockerfile.copy Dockerfile:5
	//   npm credentials .npmrc: COPY .npmrc /app/
}

// Compose files: a literal under a secret-looking name is a leak, a
// ${VAR} reference filled at deploy time and a *_FILE path are the fix.
func ExampleLinter_Compose() {
	compose := `services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: Summer2024!
      POSTGRES_USER: app
  api:
    image: acme/api
    environment:
      - DATABASE_URL=postgres://app:${DB_PASSWORD}@db/app
      - JWT_SECRET_FILE=/run/secrets/jwt
    command: ["api", "--token", "s3cr3t-t0ken-42"]
`
	findings, err := lint.New(lint.Options{}).Compose("compose.yaml", []byte(compose))
	if err != nil {
		fmt.Println(err)
		return
	}
	printFailures(findings)
	// Output:
	// secrets.lint.compose.environment compose.yaml:5
	//   literal value under a secret-looking name: POSTGRES_PASSWORD: [redacted]
	// secrets.lint.compose.command compose.yaml:12
	//   password flag: command: ["api", "--token", "[redacted]"]
}

// An env file with a placeholder, a reference and one real secret.
func ExampleLinter_EnvFile() {
	env := `# copy to .env and fill in
API_TOKEN=<your-token>
SMTP_PASSWORD=${SMTP_PASSWORD}
AWS_ACCESS_KEY_ID=AKIAQ2DRKB7ZWNH4LP3M
PASSWORD_MIN_LENGTH=12
`
	findings, err := lint.New(lint.Options{}).EnvFile(".env", []byte(env))
	if err != nil {
		fmt.Println(err)
		return
	}
	printFailures(findings)
	// Output:
	// secrets.lint.envfile.value .env:4
	//   AWS access key ID: AWS_ACCESS_KEY_ID=AKIA…[redacted]
}

// stubImages answers ImageAPI from fixed data; TestLintImage runs the
// same lint on images built by a real Docker engine.
type stubImages struct {
	config  dockerspec.DockerOCIImageConfig
	history []string
}

func (s stubImages) ImageInspect(context.Context, string, ...client.ImageInspectOption) (client.ImageInspectResult, error) {
	return client.ImageInspectResult{InspectResponse: image.InspectResponse{Config: &s.config}}, nil
}

func (s stubImages) ImageHistory(context.Context, string, ...client.ImageHistoryOption) (client.ImageHistoryResult, error) {
	var r client.ImageHistoryResult
	for _, h := range s.history {
		r.Items = append(r.Items, image.HistoryResponseItem{CreatedBy: h})
	}
	return r, nil
}

// A built image: the build argument a RUN step used is in its history,
// though no ENV kept it. Pass a *client.Client to read a real engine.
func ExampleLinter_Image() {
	api := stubImages{
		config: dockerspec.DockerOCIImageConfig{ImageConfig: ocispec.ImageConfig{
			Env: []string{"PATH=/usr/local/bin:/usr/bin", "APP_PORT=8080"},
		}},
		history: []string{
			`CMD ["/app"]`,
			`|1 NPM_TOKEN=npm_Fak3T0kenF0rTheD0csOnly0123456789ABC /bin/sh -c npm ci # buildkit`,
			`ARG NPM_TOKEN`,
		},
	}
	findings, err := lint.New(lint.Options{}).Image(context.Background(), api, "acme/web:1.4")
	if err != nil {
		fmt.Println(err)
		return
	}
	printFailures(findings)
	// Output:
	// secrets.lint.image.history image acme/web:1.4 history 1
	//   build argument NPM_TOKEN: npm token: |1 NPM_TOKEN=npm_…[redacted] /bin/sh -c npm ci # buildkit
}

// A report for CI: the findings of a directory walk as a table, and an
// exit code that fails the build on a high finding. WriteSARIF gives
// GitHub code scanning the same findings at their file and line.
func Example_report() {
	dir, _ := os.MkdirTemp("", "lint-example")
	defer os.RemoveAll(dir)
	_ = os.WriteFile(dir+"/Dockerfile", []byte("FROM scratch\nENV API_KEY=Zq8rT2mWx9LpV4sKd7NfB3hJ\n"), 0o644)

	findings, err := lint.New(lint.Options{}).Paths(context.Background(), dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := range findings {
		findings[i].Resource = findings[i].Resource[len(dir)+1:] // print paths relative to the walk
	}
	start := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	r := &lint.Report{Tool: lint.Tool{Name: "opskit"}, Name: "secrets.lint", Target: "repository",
		Started: start, Finished: start.Add(time.Second), Checks: lint.Checks(), Findings: findings}
	r.Sort()
	_ = r.WriteTable(os.Stdout)
	fmt.Println("exit code:", r.ExitCode(lint.SeverityHigh))
	// Output:
	// SEVERITY  STATUS  CHECK                          RESOURCE      TITLE
	// high      pass    secrets.lint.dockerfile.arg    Dockerfile    Dockerfile ARG carries a secret
	// high      pass    secrets.lint.dockerfile.copy   Dockerfile    Dockerfile copies a credential file into the image
	// high      fail    secrets.lint.dockerfile.env    Dockerfile:2  Dockerfile ENV sets a secret
	// high      pass    secrets.lint.dockerfile.label  Dockerfile    Dockerfile LABEL contains a secret
	// high      pass    secrets.lint.dockerfile.run    Dockerfile    Dockerfile command line contains a secret
	//
	// 5 findings: 1 fail (1 high), 0 error, 0 waived, 4 pass
	// exit code: 1
}
