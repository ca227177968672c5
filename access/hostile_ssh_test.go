package access_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/access/accessfake"
	"golang.org/x/crypto/ssh"
)

// fsStateScript prints, sorted, every path outside the homes and the
// kernel's filesystems with its mode and owner, and the checksum of every
// regular file under /etc, /root, /usr/local, /opt, /srv and /var/spool,
// leaving out only the files opskit itself is meant to change.
const fsStateScript = `set -e
skip='^/etc/(passwd|shadow|group|gshadow|subuid|subgid)-?( |$)|^/etc/\.pwd\.lock|^/etc/sudoers\.d/opskit-|^/etc/ssh/opskit_|^/etc/ssh/sshd_config\.d/opskit-'
{
find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /run -o -path /tmp -o -path /home -o -path /var/log -o -path /var/mail -o -path /var/spool/mail -o -path /var/cache \) -prune -o -printf '%p %M %u %g\n'
find /etc /root /usr/local /opt /srv /var/spool -xdev -type f -print0 | xargs -0 md5sum | awk '{ h = $1; sub(/^[^ ]+  /, ""); print $0 " " h }'
} | grep -Ev "$skip" | LC_ALL=C sort`

// attackScript runs as the managed user in its home. For DUR seconds it
// swaps ~/.ssh with a link to /etc/apt/apt.conf.d and with one to
// /root/.ssh, and ~/.ssh/authorized_keys with a link to root's
// authorized_keys, each with an atomic exchange (renameat2) and back, as
// fast as it can, counting the swaps in /tmp/swaps.USER.
const attackScript = `
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
def xchg(a, b):
    return libc.renameat2(-100, a.encode(), -100, b.encode(), 2) == 0
user, dur = sys.argv[1], float(sys.argv[2])
os.chdir(os.path.expanduser("~" + user))
for name, target in (("apt_link", "/etc/apt/apt.conf.d"), ("root_link", "/root/.ssh")):
    try:
        os.symlink(target, name)
    except FileExistsError:
        pass
n, end = 0, time.time() + dur
while time.time() < end:
    if n % 64 == 0:
        time.sleep(0.001)
    for link in ("apt_link", "root_link"):
        if xchg(".ssh", link):
            n += 1
            xchg(".ssh", link)
    try:
        os.symlink("/root/.ssh/authorized_keys", ".ssh/ak_link")
    except OSError:
        pass
    if xchg(".ssh/authorized_keys", ".ssh/ak_link"):
        n += 1
        xchg(".ssh/authorized_keys", ".ssh/ak_link")
    if n % 500 == 0:
        with open("/tmp/swaps." + user, "w") as f:
            f.write(str(n))
with open("/tmp/swaps." + user, "w") as f:
    f.write(str(n))
`

// TestSymlinkRace: a process of a managed user swaps ~/.ssh and
// authorized_keys for links to root-owned places while at least 1,000
// grants, reconciles and lock-revokes run on four hosts (two keeping keys
// in homes, two root-owned). Afterwards no file outside the homes changed
// owner, mode or content.
func TestSymlinkRace(t *testing.T) {
	const (
		nHosts  = 4
		minRuns = 1000
		limit   = 240 * time.Second
	)
	hosts := sshTestHosts(t, nHosts)
	ctx := context.Background()
	_, k1 := newSigner(t, "mal-one")
	_, k2 := newSigner(t, "mal-two")
	tfs := [2]*access.TeamFile{oneUserTeam(t, "mal", k1), oneUserTeam(t, "mal", k2)}
	before := make([]string, nHosts)
	for i, h := range hosts {
		out, code, err := h.Env.Exec(ctx, "sh", "-c", fsStateScript)
		if err != nil || code != 0 {
			t.Fatalf("host %d state: %d %v %s", i, code, err, out)
		}
		before[i] = out
	}
	var runs, ownFailures atomic.Int64
	deadline := time.Now().Add(limit)
	var wg sync.WaitGroup
	errs := make([]error, nHosts)
	for i, h := range hosts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			keys := access.KeysInHome
			if i%2 == 1 {
				keys = access.KeysRootOwned
			}
			grant, _ := access.NewProvisioner(access.Options{Keys: keys, HostTimeout: time.Minute})
			lock, _ := access.NewProvisioner(access.Options{Keys: keys, Revoke: access.RevokeLock, HostTimeout: time.Minute})
			targets := []access.Target{{Host: h.Host, Groups: []string{"all"}}}
			attack := func() {
				// The attacker dies with every lock (its sessions end); start
				// it again after each grant.
				go h.Env.Exec(ctx, "setpriv", "--reuid=mal", "--regid=mal", "--init-groups", "python3", "-c", attackScript, "mal", "300")
			}
			for n := 0; runs.Load() < minRuns && time.Now().Before(deadline); n++ {
				var r *access.Result
				var err error
				switch {
				case n%25 == 24:
					r, err = lock.Revoke(ctx, []string{"mal"}, targets)
				case n%2 == 0:
					r, err = grant.Grant(ctx, tfs[n/2%2], targets)
				default:
					r, err = grant.Reconcile(ctx, tfs[n/2%2], targets)
				}
				if err == nil {
					err = r.Err()
				}
				// The user can make writes of their own keys fail (their
				// ~/.ssh is a link to a place they cannot write): that
				// hurts only them. Anything else, and any failed lock,
				// is a failure.
				if err != nil && (n%25 == 24 || !strings.Contains(err.Error(), "keys mal: ")) {
					errs[i] = fmt.Errorf("run %d: %w", n, err)
					return
				}
				if err != nil {
					ownFailures.Add(1)
				}
				runs.Add(1)
				if n == 0 || n%25 == 0 {
					attack()
				}
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("host %d: %v", i, err)
		}
	}
	if runs.Load() < minRuns {
		t.Errorf("only %d runs in %v; want at least %d", runs.Load(), limit, minRuns)
	}
	swaps := 0
	for i, h := range hosts {
		h.Env.Exec(ctx, "pkill", "-KILL", "-u", "mal")
		out, code, err := h.Env.Exec(ctx, "sh", "-c", fsStateScript)
		if err != nil || code != 0 {
			t.Fatalf("host %d state: %d %v", i, code, err)
		}
		if out != before[i] {
			t.Errorf("host %d: files outside the homes changed:\n%s", i, lineDiff(before[i], out))
		}
		s, _, _ := h.Env.Exec(ctx, "sh", "-c", "cat /tmp/swaps.mal 2>/dev/null || echo 0")
		var n int
		fmt.Sscan(strings.TrimSpace(s), &n)
		swaps += n
	}
	if swaps == 0 {
		t.Fatal("the attacker never swapped a path: the test proves nothing")
	}
	t.Logf("%d grants, reconciles and lock-revokes on %d hosts while the user made at least %d atomic swaps; %d writes of the user's own keys failed on a swapped path", runs.Load(), nHosts, swaps, ownFailures.Load())
}

// lineDiff lists the lines only in a (-) or only in b (+).
func lineDiff(a, b string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	ma, mb := in(a), in(b)
	var out []string
	for l := range ma {
		if !mb[l] {
			out = append(out, "- "+l)
		}
	}
	for l := range mb {
		if !ma[l] {
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}

// TestPlantedTemp: names a user plants in ~/.ssh ahead of time (links to
// root's files and FIFOs under every name the old predictable scheme could
// pick, and a FIFO as authorized_keys2) make no grant write through them
// or hang; the grant finishes quickly and writes the keys as a regular
// file.
func TestPlantedTemp(t *testing.T) {
	h := sshTestHosts(t, 1)[0]
	ctx := context.Background()
	_, k := newSigner(t, "pat")
	tf := oneUserTeam(t, "pat", k)
	p, _ := access.NewProvisioner(access.Options{Keys: access.KeysInHome, HostTimeout: 30 * time.Second})
	targets := []access.Target{{Host: h.Host, Groups: []string{"all"}}}
	if r, err := p.Grant(ctx, tf, targets); err != nil || r.Err() != nil {
		t.Fatalf("grant: %v %v", err, r.Err())
	}
	// A 0755 ~/.ssh, which sshd accepts, does not make every grant rewrite
	// the keys (each rewrite used to re-arm a race).
	if _, code, err := h.Env.Exec(ctx, "setpriv", "--reuid=pat", "--regid=pat", "--init-groups", "chmod", "0755", "/home/pat/.ssh"); err != nil || code != 0 {
		t.Fatalf("chmod: %d %v", code, err)
	}
	if r, err := p.Plan(ctx, tf, targets); err != nil || r.Changed() {
		t.Fatalf("plan with a 0755 ~/.ssh: %v %v; want no change", err, r.Hosts[0].Changes)
	}
	before, _, _ := h.Env.Exec(ctx, "sh", "-c", fsStateScript)
	plant := `import os
os.chdir("/home/pat/.ssh")
for pid in range(1, 400):
    for seq in range(1, 6):
        name = ".authorized_keys.opskit.%d.%d" % (pid, seq)
        if seq % 2:
            os.symlink("/root/.ssh/authorized_keys", name)
        else:
            os.mkfifo(name)
os.mkfifo("authorized_keys2")
os.unlink("authorized_keys")
os.mkfifo("authorized_keys")
print("planted")`
	if out, code, err := h.Env.Exec(ctx, "setpriv", "--reuid=pat", "--regid=pat", "--init-groups", "python3", "-c", plant); err != nil || code != 0 || !strings.Contains(out, "planted") {
		t.Fatalf("plant: %d %v %s", code, err, out)
	}
	st, err := h.Host.Snapshot(ctx, access.SnapshotOptions{})
	if err != nil {
		t.Fatalf("snapshot with FIFOs planted: %v", err)
	}
	var types []string
	for _, kf := range st.Account("pat").KeyFiles {
		types = append(types, kf.Path+"="+kf.Type)
	}
	if !slices.Contains(types, "/home/pat/.ssh/authorized_keys=fifo") || !slices.Contains(types, "/home/pat/.ssh/authorized_keys2=fifo") {
		t.Errorf("key files = %v; want both FIFOs reported", types)
	}
	start := time.Now()
	_, k2 := newSigner(t, "pat-2")
	tf2 := oneUserTeam(t, "pat", k2)
	r, err := p.Grant(ctx, tf2, targets)
	took := time.Since(start)
	if err != nil || r.Err() != nil {
		t.Fatalf("grant beside planted names: %v %v", err, r.Err())
	}
	if took > 10*time.Second {
		t.Errorf("grant took %v: something waited on a planted FIFO", took)
	}
	out, _, _ := h.Env.Exec(ctx, "stat", "-c", "%F %a %U", "/home/pat/.ssh/authorized_keys")
	if strings.TrimSpace(out) != "regular file 600 pat" {
		t.Errorf("authorized_keys = %q; want a regular file, 600, pat", out)
	}
	if got, _ := h.Env.ReadFile(ctx, "/home/pat/.ssh/authorized_keys"); !strings.Contains(string(got), "pat-2") {
		t.Errorf("authorized_keys = %q; want the new key", got)
	}
	after, _, _ := h.Env.Exec(ctx, "sh", "-c", fsStateScript)
	if after != before {
		t.Errorf("files outside the homes changed:\n%s", lineDiff(before, after))
	}
	t.Logf("grant beside 1,995 planted names and two FIFOs took %v", took)
}

// TestRevokeUnblockable: a user grows authorized_keys to a 256 MiB sparse
// file and writes 20 MiB of one line to authorized_keys2. The snapshot
// still works with bounded memory, the audit says the files were too big
// to read whole, and revoking (lock, then remove) succeeds.
func TestRevokeUnblockable(t *testing.T) {
	h := sshTestHosts(t, 1)[0]
	ctx := context.Background()
	_, k := newSigner(t, "big")
	tf := oneUserTeam(t, "big", k)
	targets := []access.Target{{Host: h.Host, Groups: []string{"all"}}}
	p, _ := access.NewProvisioner(access.Options{Keys: access.KeysInHome})
	if r, err := p.Grant(ctx, tf, targets); err != nil || r.Err() != nil {
		t.Fatalf("grant: %v %v", err, r.Err())
	}
	grow := `cd /home/big/.ssh && truncate -s 256M authorized_keys && head -c 20971520 /dev/zero | tr "\0" x >authorized_keys2 && echo grown`
	if out, code, err := h.Env.Exec(ctx, "setpriv", "--reuid=big", "--regid=big", "--init-groups", "sh", "-c", grow); err != nil || code != 0 || !strings.Contains(out, "grown") {
		t.Fatalf("grow: %d %v %s", code, err, out)
	}
	var ms0, ms1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms0)
	st, err := h.Host.Snapshot(ctx, access.SnapshotOptions{})
	runtime.ReadMemStats(&ms1)
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	alloc := ms1.TotalAlloc - ms0.TotalAlloc
	if alloc > 64<<20 {
		t.Errorf("snapshot allocated %d MiB; want it bounded (under 64 MiB)", alloc>>20)
	}
	var truncated []string
	for _, kf := range st.Account("big").KeyFiles {
		if kf.Truncated {
			truncated = append(truncated, fmt.Sprintf("%s (%d bytes)", kf.Path, kf.Size))
		}
	}
	if len(truncated) != 2 {
		t.Errorf("truncated key files = %v; want both", truncated)
	}
	fs, err := access.AuditHost(ctx, h.Host, access.HostAuditOptions{TeamFile: tf})
	if err != nil {
		t.Fatalf("audit: %v", err)
	}
	m := statuses(fs)
	if f := m["access.host.authorized_keys.undeclared/big"]; f.Status != access.StatusFail || !strings.Contains(f.Evidence, "only the first") {
		t.Errorf("undeclared/big = %v %q; want a failure saying the file was not read whole", f.Status, f.Evidence)
	}
	lock, _ := access.NewProvisioner(access.Options{Keys: access.KeysInHome, Revoke: access.RevokeLock})
	if r, err := lock.Revoke(ctx, []string{"big"}, targets); err != nil || r.Err() != nil || !r.Changed() {
		t.Fatalf("lock: %v %v", err, r.Err())
	}
	rm, _ := access.NewProvisioner(access.Options{Keys: access.KeysInHome})
	if r, err := rm.Revoke(ctx, []string{"big"}, targets); err != nil || r.Err() != nil || !r.Changed() {
		t.Fatalf("remove: %v %v", err, r.Err())
	}
	if st, err := h.Host.Snapshot(ctx, access.SnapshotOptions{}); err != nil || st.Account("big") != nil {
		t.Fatalf("after revoke: %v, big present %v", err, st != nil && st.Account("big") != nil)
	}
	t.Logf("snapshot with a 256 MiB and a 20 MiB key file allocated %d MiB", alloc>>20)
}

// TestLockEndsSessions: locking a user ends its SSH session and every
// process it runs, and it cannot log in again.
func TestLockEndsSessions(t *testing.T) {
	h := sshTestHosts(t, 1)[0]
	ctx := context.Background()
	signer, k := newSigner(t, "lou")
	tf := oneUserTeam(t, "lou", k)
	targets := []access.Target{{Host: h.Host, Groups: []string{"all"}}}
	for _, keys := range []access.KeyStore{access.KeysRootOwned, access.KeysInHome} {
		grant, _ := access.NewProvisioner(access.Options{Keys: keys})
		lock, _ := access.NewProvisioner(access.Options{Keys: keys, Revoke: access.RevokeLock})
		if r, err := grant.Grant(ctx, tf, targets); err != nil || r.Err() != nil {
			t.Fatalf("grant: %v %v", err, r.Err())
		}
		sess := make(chan error, 1)
		go func() {
			_, err := loginAs(h, "lou", ssh.PublicKeys(signer), "sleep 300")
			sess <- err
		}()
		// A process outside the session too, detached from it.
		go h.Env.Exec(ctx, "setpriv", "--reuid=lou", "--regid=lou", "--init-groups", "setsid", "sleep", "300")
		waitFor(t, func() bool {
			out, _, _ := h.Env.Exec(ctx, "pgrep", "-c", "-u", "lou")
			n, _ := strconv.Atoi(strings.TrimSpace(out))
			return n >= 2
		})
		start := time.Now()
		if r, err := lock.Revoke(ctx, []string{"lou"}, targets); err != nil || r.Err() != nil {
			t.Fatalf("lock: %v %v", err, r.Err())
		}
		select {
		case <-sess:
		case <-time.After(10 * time.Second):
			t.Fatal("the user's SSH session outlived the lock by 10 s")
		}
		ended := time.Since(start)
		if out, _, _ := h.Env.Exec(ctx, "sh", "-c", "pgrep -u lou || true"); strings.TrimSpace(out) != "" {
			t.Errorf("processes of lou left after the lock: %s", out)
		}
		if _, err := loginAs(h, "lou", ssh.PublicKeys(signer), "true"); err == nil {
			t.Error("lou logged in after the lock")
		}
		t.Logf("keys %v: session ended %v after the lock began", keys, ended)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not met in 15 s")
}

// TestApplyValidates: Host.Apply, called directly, validates every op as a
// team file is validated and acts only on accounts opskit manages, on the
// fake and on a real host alike.
func TestApplyValidates(t *testing.T) {
	for _, impl := range []string{"fake", "ssh"} {
		t.Run(impl, func(t *testing.T) {
			ctx := context.Background()
			var h access.Host
			var read func(string) bool
			if impl == "fake" {
				fh := accessfake.New("fake", accessfake.Options{})
				h, read = fh, func(p string) bool { return fh.File(p) != nil }
			} else {
				th := sshTestHosts(t, 1)[0]
				h = th.Host
				read = func(p string) bool {
					out, _, _ := th.Env.Exec(ctx, "sh", "-c", `test -e "$0" && echo present`, p)
					return strings.Contains(out, "present")
				}
			}
			_, key := newSigner(t, "val")
			mustApply(t, h, access.Op{Kind: access.OpEnsureUser, User: "val", Shell: "/bin/bash"})
			invalid := []access.Op{
				{Kind: access.OpSetKeys, User: "val", Content: []byte(`command="/bin/sh" ` + key + "\n")},
				{Kind: access.OpSetRootKeys, User: "val", Content: []byte(`from="*" ` + key + "\n")},
				{Kind: access.OpSetKeys, User: "val", Content: []byte(strings.Replace(key, "val", strings.Repeat("c", 20000), 1) + "\n")},
				{Kind: access.OpSetSudoers, User: "val", Content: []byte("daemon ALL=(ALL) NOPASSWD: ALL\n")},
				{Kind: access.OpEnsureUser, User: "val", Shell: "/bin/bash", Groups: []string{"disk"}},
				{Kind: access.OpSetPrincipals, User: "val", Content: []byte("root, admin\n")},
			}
			for _, op := range invalid {
				if _, err := h.Apply(ctx, []access.Op{op}); err == nil {
					t.Errorf("op %s %.50q accepted", op, op.Content)
				}
			}
			// Valid content for accounts opskit does not manage: refused by
			// the host, per op.
			res, err := h.Apply(ctx, []access.Op{
				{Kind: access.OpSetSudoers, User: "daemon", Content: access.SudoersContent("daemon")},
				{Kind: access.OpSetPrincipals, User: "root", Content: []byte("root\n")},
				{Kind: access.OpSetRootKeys, User: "root", Content: []byte(key + "\n")},
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range res {
				if !errors.Is(r.Err, access.ErrNotManaged) {
					t.Errorf("op %s: %v; want ErrNotManaged", r.Op, r.Err)
				}
			}
			for _, p := range []string{"/etc/sudoers.d/opskit-daemon", "/etc/ssh/opskit_principals/root", access.RootKeysDir + "/root", "/etc/sudoers.d/opskit-val", "/home/val/.ssh/authorized_keys"} {
				if read(p) {
					t.Errorf("%s was written", p)
				}
			}
		})
	}
}

// TestAuditKeyFiles: the audit reads every file sshd reads keys from, as
// sshd does: a key in authorized_keys2, one after a 100 KiB line, and one
// behind a link are all reported, and so is the link.
func TestAuditKeyFiles(t *testing.T) {
	h := sshTestHosts(t, 1)[0]
	ctx := context.Background()
	_, k := newSigner(t, "kai")
	tf := oneUserTeam(t, "kai", k)
	targets := []access.Target{{Host: h.Host, Groups: []string{"all"}}}
	p, _ := access.NewProvisioner(access.Options{Keys: access.KeysInHome})
	if r, err := p.Grant(ctx, tf, targets); err != nil || r.Err() != nil {
		t.Fatalf("grant: %v %v", err, r.Err())
	}
	_, hidden1 := newSigner(t, "after-long-line")
	_, hidden2 := newSigner(t, "behind-link")
	script := fmt.Sprintf(`cd /home/kai/.ssh
head -c 102400 /dev/zero | tr "\0" a >authorized_keys2
printf "\n%%s\n" %q >>authorized_keys2
printf "%%s\n" %q >../elsewhere
mv authorized_keys ../real_keys
cat ../elsewhere >>../real_keys
ln -s ../real_keys authorized_keys
echo done`, hidden1, hidden2)
	if out, code, err := h.Env.Exec(ctx, "setpriv", "--reuid=kai", "--regid=kai", "--init-groups", "sh", "-c", script); err != nil || code != 0 || !strings.Contains(out, "done") {
		t.Fatalf("setup: %d %v %s", code, err, out)
	}
	// sshd itself accepts both hidden keys: they are real ways in.
	fs, err := access.AuditHost(ctx, h.Host, access.HostAuditOptions{TeamFile: tf})
	if err != nil {
		t.Fatal(err)
	}
	m := statuses(fs)
	und := m["access.host.authorized_keys.undeclared/kai"]
	if und.Status != access.StatusFail || !strings.Contains(und.Evidence, "authorized_keys2 line 2") || !strings.Contains(und.Evidence, "/home/kai/.ssh/authorized_keys line 3") {
		t.Errorf("undeclared/kai = %v %q; want the key after the long line and the key behind the link", und.Status, und.Evidence)
	}
	if perm := m["access.host.authorized_keys.permissions/kai"]; perm.Status != access.StatusFail || !strings.Contains(perm.Evidence, "symbolic link") {
		t.Errorf("permissions/kai = %v %q; want the link reported", perm.Status, perm.Evidence)
	}
	// The same audit on root-owned keys: the home files no longer count,
	// the root-owned one is clean.
	root, _ := access.NewProvisioner(access.Options{})
	if r, err := root.Grant(ctx, tf, targets); err != nil || r.Err() != nil {
		t.Fatalf("grant root-owned: %v %v", err, r.Err())
	}
	m = statuses(mustAuditHost(t, h.Host, access.HostAuditOptions{TeamFile: tf}))
	wantStatus(t, m, "access.host.authorized_keys.undeclared/kai", access.StatusPass)
	wantStatus(t, m, "access.host.authorized_keys.permissions/kai", access.StatusPass)
}

// oneUserTeam is a team file that lets one user with one key into every host.
func oneUserTeam(t *testing.T, name, key string) *access.TeamFile {
	t.Helper()
	tf, err := access.ParseTeamFile(context.Background(), "team.yaml", []byte(teamYAML(fmt.Sprintf("  - {name: %s, teams: [dev], keys: [%q]}\n", name, key))), access.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return tf
}
