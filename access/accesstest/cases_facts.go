package accesstest

import (
	"slices"
	"strings"
	"testing"

	"github.com/opskit-dev/opskit/access"
)

// testUserNamedLikeGroup: as Debian's useradd (USERGROUPS_ENAB), a host
// refuses to create a user named like an existing group, and creates
// nothing.
func testUserNamedLikeGroup(t *testing.T, h access.Host) {
	mustApply(t, h, ensure("ct_member", "ct_shared"))
	res := apply(t, h, ensure("ct_shared"), ensure("adm"))
	for _, r := range res {
		if r.Err == nil {
			t.Errorf("op %s succeeded; a user named like an existing group must be refused", r.Op)
		}
	}
	st := snapshot(t, h)
	for _, name := range []string{"ct_shared", "adm"} {
		if a := st.Account(name); a != nil {
			t.Errorf("account %s created: %+v", name, a)
		}
	}
	if a := st.Account("ct_member"); a == nil || !slices.Equal(a.Groups, []string{"ct_shared"}) {
		t.Errorf("ct_member = %+v; want it in ct_shared", a)
	}
}

// testFactsPerConnection: Facts reports sshd's effective settings for root
// and every managed account from every probe address, and the handshake
// offer.
func testFactsPerConnection(t *testing.T, h access.Host) {
	mustApply(t, h, ensure("ct_conn"))
	f, err := h.Facts(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"root", "ct_conn"} {
		for _, addr := range access.SSHDProbeAddrs {
			i := slices.IndexFunc(f.SSHDMatches, func(m access.SSHDMatch) bool { return m.User == u && m.Addr == addr })
			if i < 0 {
				t.Errorf("no effective sshd settings for user %s from %s", u, addr)
				continue
			}
			m := f.SSHDMatches[i]
			if m.Error != "" || !slices.Equal(m.Settings["permitrootlogin"], f.SSHD["permitrootlogin"]) || len(m.Settings["passwordauthentication"]) == 0 {
				t.Errorf("user %s from %s: %+v; want the global settings (no Match blocks on a fresh host)", u, addr, m)
			}
		}
	}
	for _, m := range f.SSHDMatches {
		if m.User != "root" && m.User != "ct_conn" {
			t.Errorf("settings for %s, which opskit does not manage", m.User)
		}
	}
	o := f.Offer
	if o == nil {
		t.Fatalf("no handshake offer: %s", f.OfferError)
	}
	if !strings.HasPrefix(o.Banner, "SSH-2.0-") || len(o.HostKey) == 0 || len(o.Ciphers) == 0 || len(o.MACs) == 0 {
		t.Errorf("offer = %+v", o)
	}
	if len(o.Kex) == 0 {
		t.Errorf("offer has no key exchange algorithms: %+v", o)
	}
}
