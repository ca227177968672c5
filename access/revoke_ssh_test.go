package access_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/access"
)

// consistencyScript prints one line per inconsistency between the account
// files: a name in passwd and not in shadow or the other way round, a group
// in group and not in gshadow or the other way round, a group member that
// is no account, and a lock file left behind.
const consistencyScript = `
awk -F: 'FNR==1{f++} f==1{p[$1]=1} f==2{s[$1]=1} END{for(n in p) if(!(n in s)) print "passwd only: " n; for(n in s) if(!(n in p)) print "shadow only: " n}' /etc/passwd /etc/shadow
awk -F: 'FNR==1{f++} f==1{g[$1]=1} f==2{s[$1]=1} END{for(n in g) if(!(n in s)) print "group only: " n; for(n in s) if(!(n in g)) print "gshadow only: " n}' /etc/group /etc/gshadow
awk -F: 'FNR==1{f++} f==1{p[$1]=1; next} {n=split($4,m,","); for(i=1;i<=n;i++) if(!(m[i] in p)) print "member without account: " m[i] " in " $1}' /etc/passwd /etc/group
ls /etc/*.lock /etc/*+ 2>/dev/null
true
`

// TestRevokeBesideUseradd revokes 20 users while another program adds
// accounts on the same host with useradd. Revoke batches its removals into
// one edit of the account files under the shadow-utils locks, so nothing
// useradd wrote may be lost and no revoked account may survive.
func TestRevokeBesideUseradd(t *testing.T) {
	h := sshTestHosts(t, 1)[0]
	ctx := context.Background()
	var users []string
	var yaml []string
	for i := range 20 {
		_, line := newSigner(t, "")
		u := fmt.Sprintf("rv%02d", i)
		users = append(users, u)
		yaml = append(yaml, fmt.Sprintf("  - {name: %s, teams: [dev], sudo: %v, keys: [%q]}\n", u, i%2 == 0, line))
	}
	tf, err := access.ParseTeamFile(ctx, "team.yaml", []byte(teamYAML(yaml...)), access.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := access.NewProvisioner(access.Options{})
	targets := []access.Target{{Host: h.Host, Groups: []string{"all"}}}
	const others = 15
	for round := range 2 {
		if r, err := p.Grant(ctx, tf, targets); err != nil || r.Err() != nil {
			t.Fatalf("round %d grant: %v %v", round, err, r.Err())
		}
		prefix := fmt.Sprintf("ot%d", round)
		done := make(chan string, 1)
		go func() {
			// Each useradd also joins an existing group, so group and
			// gshadow are rewritten beside the revoke's edit.
			out, _, err := h.Env.Exec(ctx, "sh", "-c", `i=0; while [ $i -lt `+fmt.Sprint(others)+` ]; do useradd -m -c other -G users "$0$i" || echo "useradd $0$i failed"; i=$((i+1)); done`, prefix)
			if err != nil {
				out += err.Error()
			}
			done <- out
		}()
		time.Sleep(60 * time.Millisecond)
		start := time.Now()
		r, err := p.Revoke(ctx, users, targets)
		if err != nil || r.Err() != nil {
			t.Fatalf("round %d revoke: %v %v", round, err, r.Err())
		}
		took := time.Since(start)
		if out := <-done; strings.TrimSpace(out) != "" {
			t.Fatalf("round %d useradd loop: %s", round, out)
		}
		out, _, err := h.Env.Exec(ctx, "sh", "-c", consistencyScript)
		if err != nil || strings.TrimSpace(out) != "" {
			t.Fatalf("round %d: account files inconsistent: %s %v", round, out, err)
		}
		st, err := h.Host.Snapshot(ctx, access.SnapshotOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range users {
			if st.Account(u) != nil {
				t.Errorf("round %d: %s survived the revoke", round, u)
			}
		}
		for i := range others {
			name := fmt.Sprintf("%s%d", prefix, i)
			if a := st.Account(name); a == nil || len(a.Groups) != 1 || a.Groups[0] != "users" {
				t.Errorf("round %d: concurrently added %s lost or changed: %+v", round, name, a)
			}
		}
		homes, _, _ := h.Env.Exec(ctx, "sh", "-c", "ls /home | grep ^rv; ls /etc/sudoers.d | grep rv; true")
		if strings.TrimSpace(homes) != "" {
			t.Errorf("round %d: revoke left %s", round, homes)
		}
		t.Logf("round %d: revoked %d users in %v beside %d useradds", round, len(users), took, others)
	}

	// A lock held by a live process delays the edit until it is released;
	// a stale one (its process gone) is broken.
	if r, err := p.Grant(ctx, tf, targets); err != nil || r.Err() != nil {
		t.Fatalf("grant: %v %v", err, r.Err())
	}
	if _, code, err := h.Env.Exec(ctx, "sh", "-c", "echo 2147480000 >/etc/shadow.lock"); err != nil || code != 0 {
		t.Fatalf("stale lock: %d %v", code, err)
	}
	const hold = 1500 * time.Millisecond
	held := make(chan error, 1)
	go func() {
		_, _, err := h.Env.Exec(ctx, "sh", "-c", `printf %d $$ >/etc/gshadow.lock; sleep 1.5; rm -f /etc/gshadow.lock`)
		held <- err
	}()
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	r, err := p.Revoke(ctx, users, targets)
	if err != nil || r.Err() != nil {
		t.Fatalf("revoke beside a held lock: %v %v", err, r.Err())
	}
	took := time.Since(start)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if took < hold-400*time.Millisecond {
		t.Errorf("revoke took %v while /etc/gshadow.lock was held for %v: it did not wait", took, hold)
	}
	if out, _, _ := h.Env.Exec(ctx, "sh", "-c", consistencyScript+"grep ^rv /etc/passwd /etc/group /etc/gshadow /etc/shadow; true"); strings.TrimSpace(out) != "" {
		t.Errorf("after the held and stale locks: %s", out)
	}
	t.Logf("revoke waited %v for a lock held %v, past a stale lock", took, hold)
}
