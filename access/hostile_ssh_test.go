package access_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/access"
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
	var tfs [2]*access.TeamFile
	for i, k := range []string{k1, k2} {
		tf, err := access.ParseTeamFile(ctx, "team.yaml", []byte(teamYAML(fmt.Sprintf("  - {name: mal, teams: [dev], keys: [%q]}\n", k))), access.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		tfs[i] = tf
	}
	before := make([]string, nHosts)
	for i, h := range hosts {
		out, code, err := h.Env.Exec(ctx, "sh", "-c", fsStateScript)
		if err != nil || code != 0 {
			t.Fatalf("host %d state: %d %v %s", i, code, err, out)
		}
		before[i] = out
	}
	var runs atomic.Int64
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
				if err != nil {
					errs[i] = fmt.Errorf("run %d: %w", n, err)
					return
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
	t.Logf("%d grants, reconciles and lock-revokes on %d hosts while the user made at least %d atomic swaps; nothing outside the homes changed", runs.Load(), nHosts, swaps)
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
