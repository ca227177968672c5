package lint

import (
	"testing"
)

// TestFindInCommand covers the command-line shapes, with references
// (the fix) passing.
func TestFindInCommand(t *testing.T) {
	j := nameJudge{}
	for _, c := range []struct {
		cmd    string
		secret string // "" for none
	}{
		{`curl -u admin:hunter22 https://x`, "hunter22"},
		{`curl -u "admin:$PASSWORD" https://x`, ""},
		{`mysql -uroot -pS3cretPw db`, "S3cretPw"},
		{`mysql -uroot -p"$MYSQL_ROOT_PASSWORD" db`, ""},
		{`redis-server --requirepass Zq8rT2mWx9`, "Zq8rT2mWx9"},
		{`echo "root:Tr0ub4dor" | chpasswd`, "Tr0ub4dor"},
		{`export PGPASSWORD=Summer2024 && psql`, "Summer2024"},
		{`PGPASSWORD="$(cat /run/secrets/pg)" psql`, ""},
		{`NPM_TOKEN=$(cat /run/secrets/npm) npm ci`, ""},
		{"NPM_TOKEN=`cat /run/secrets/npm` npm ci", ""},
		{`docker login -u ci -p Zq8rT2mWx9 registry`, "Zq8rT2mWx9"},
		{`docker login -u ci --password-stdin registry < /run/secrets/reg`, ""},
		{`curl -H "Authorization: Bearer Zq8rT2mWx9LpV4sK" https://x`, "Zq8rT2mWx9LpV4sK"},
		{`curl -H "Authorization: Bearer $(cat /run/secrets/t)" https://x`, ""},
		{`npm config set //registry.npmjs.org/:_authToken Zq8rT2mWx9LpV4sK`, "Zq8rT2mWx9LpV4sK"},
		{`echo "//registry.npmjs.org/:_authToken=Zq8rT2mWx9LpV4sK" > .npmrc`, "Zq8rT2mWx9LpV4sK"},
		{`git clone https://oauth2:Zq8rT2mWx9@gitlab.com/x.git`, "Zq8rT2mWx9"},
		{`git clone https://x-access-token:${GH_TOKEN}@github.com/x.git`, ""},
		{`curl -X POST -d "token=Zq8rT2mWx9LpV4sK" https://hooks.acme.dev/x`, "Zq8rT2mWx9LpV4sK"},
		{`curl "https://api.acme.dev/v1/x?api_key=Zq8rT2mWx9LpV4sK&q=1"`, "Zq8rT2mWx9LpV4sK"},
		{`curl -d "status=started" https://hooks.acme.dev/x`, ""},
		{`htpasswd -bc /etc/nginx/.htpasswd admin Summer2024`, "Summer2024"},
		{`apt-get install -y passwd && echo "app ALL=(ALL) NOPASSWD: ALL" >> /etc/sudoers`, ""},
	} {
		spans := findInCommand(c.cmd, j)
		var got string
		if len(spans) > 0 {
			got = spans[0].text(c.cmd)
		}
		if got != c.secret {
			t.Errorf("%s: found %q, want %q", c.cmd, got, c.secret)
		}
	}
}
