package access_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/access"
)

// TestBatchRemovalThroughVipw: removals in one Apply go through the vipw
// editor (access/sshhost/deledit), not the userdel fallback: with userdel
// unusable they still remove the accounts, their groups and subordinate
// ids.
func TestBatchRemovalThroughVipw(t *testing.T) {
	th := sshTestHosts(t, 1)[0]
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ensure := func(u string, groups ...string) access.Op {
		return access.Op{Kind: access.OpEnsureUser, User: u, Shell: "/bin/bash", Groups: groups}
	}
	mustApply(t, th.Host, ensure("vb_a", "vb_g"), ensure("vb_b", "vb_g"), ensure("vb_c", "vb_g"))
	if out, code, err := th.Env.Exec(ctx, "chmod", "0", "/usr/sbin/userdel"); err != nil || code != 0 {
		t.Fatalf("chmod userdel: %d %v %s", code, err, out)
	}
	mustApply(t, th.Host, access.Op{Kind: access.OpRemoveUser, User: "vb_a"}, access.Op{Kind: access.OpRemoveUser, User: "vb_b"})
	st, err := th.Host.Snapshot(ctx, access.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Account("vb_a") != nil || st.Account("vb_b") != nil {
		t.Fatal("batch removal without userdel left accounts behind")
	}
	if a := st.Account("vb_c"); a == nil || len(a.Groups) != 1 || a.Groups[0] != "vb_g" {
		t.Fatalf("vb_c = %+v; want it kept, in vb_g", a)
	}
	out, code, err := th.Env.Exec(ctx, "sh", "-c", `grep -E "^vb_(a|b):" /etc/passwd /etc/shadow /etc/group /etc/gshadow /etc/subuid /etc/subgid; grep -E "^vb_g:" /etc/group`)
	if err != nil || code != 0 || !onlyGroupLine(string(out)) {
		t.Fatalf("account files after removal: %d %v %q; want only vb_g with vb_c", code, err, out)
	}
}

// onlyGroupLine reports out is one vb_g line with vb_c its only member.
func onlyGroupLine(out string) bool {
	return strings.HasPrefix(out, "vb_g:") && strings.HasSuffix(out, ":vb_c\n") && strings.Count(out, "\n") == 1
}
