package main

import (
	"context"
	"os"
	"time"

	"github.com/opskit-dev/opskit/access"
	"path/filepath"
	"strings"
)

// demoRepo is what the demo calls its temporary directory in the report.
const demoRepo = "demo-repo"

// demoScanTarget lints the demo's files in dir and names them as if dir
// were demoRepo, so the report does not change from run to run.
func demoScanTarget(dir string) target {
	t := scanTarget(dir)
	t.name = "files " + demoRepo + "/"
	inner := t.audit
	t.audit = func(ctx context.Context) ([]access.Finding, error) {
		fs, err := inner(ctx)
		for i := range fs {
			if rest, ok := strings.CutPrefix(fs[i].Resource, dir); ok {
				fs[i].Resource = demoRepo + rest
			}
		}
		return fs, err
	}
	return t
}

// writeDemoWaivers writes the demo's waivers: one accepting TCP forwarding
// on the bastion for a while, and one that expired, which stops waiving
// and says so.
func writeDemoWaivers(path string, now time.Time) error {
	day := func(d int) string { return now.AddDate(0, 0, d).UTC().Format(time.DateOnly) }
	return os.WriteFile(path, []byte(`waivers:
  - check: access.host.sshd.tcp_forwarding
    resource: "host web1 sshd allowtcpforwarding"
    reason: web1 is the bastion; engineers forward ports through it (OPS-2291)
    owner: platform-team
    expires: `+day(90)+`
  - check: database.pg_hba.md5
    resource: "postgres db1:5432/shop /etc/postgresql/15/main/pg_hba.conf:124"
    reason: the app's driver could not do SCRAM until its upgrade (OPS-1870)
    owner: dba-team
    expires: `+day(-30)+`
`), 0o600)
}

// writeDemoFiles writes the demo's deployment files into dir: a
// Dockerfile that bakes secrets into the image, a compose file and an env
// file with passwords in them, and, under fixed/, a Dockerfile that does
// it right (a build secret mounted for one RUN), which passes.
func writeDemoFiles(dir string) error {
	awsKey := "AKIA" + strings.Repeat("DEMO", 4) // made up, in the shape the linter knows
	files := map[string]string{
		"Dockerfile": `FROM debian:bookworm-slim
ARG DB_PASSWORD
ENV AWS_ACCESS_KEY_ID=` + awsKey + `
COPY id_rsa /root/.ssh/id_rsa
RUN curl -u deploy:` + demoPassword + ` https://artifacts.example.com/app.tar.gz | tar xz
USER 10001
CMD ["/app/server"]
`,
		"docker-compose.yml": `services:
  api:
    image: shop/api:1.4
    environment:
      DB_HOST: db
      DB_PASSWORD: ` + demoPassword + `
      API_TOKEN: ${API_TOKEN}
  db:
    image: postgres:15
    environment:
      POSTGRES_PASSWORD_FILE: /run/secrets/db_password
`,
		".env": "LOG_LEVEL=info\nSTRIPE_SECRET_KEY=" + demoPassword + "\n",
		"fixed/Dockerfile": `FROM debian:bookworm-slim
RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci --omit=dev
USER 10001
CMD ["/app/server"]
`,
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			return err
		}
	}
	return nil
}
