package access_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/access/accessfake"
	"github.com/opskit-dev/opskit/internal/testenv"
)

// sshAuditFlag matches one ssh-audit (2.5) algorithm line or its
// continuation: "(mac) hmac-sha1  -- [warn] using weak hashing algorithm".
var sshAuditLine = regexp.MustCompile(`^\((kex|key|enc|mac)\) (\S+)(?: \([^)]*\))?\s+-- \[(\w+)\] (.*)$`)
var sshAuditMore = regexp.MustCompile("^\\s+`- \\[(\\w+)\\] (.*)$")

// sshAuditWeak runs Debian's ssh-audit against addr and returns, per
// category (kex, key, enc, mac), the algorithms it rates fail or warn for
// a weakness. Its "unknown algorithm" and "using experimental algorithm"
// warnings are left out: ssh-audit 2.5 (Debian 12) predates
// kex-strict-s-v00@openssh.com and the standardized
// sntrup761x25519-sha512, the default post-quantum key exchange.
func sshAuditWeak(t *testing.T, port int) map[string][]string {
	t.Helper()
	if _, err := exec.LookPath("ssh-audit"); err != nil {
		testenv.Unavailable(t, "ssh-audit (Debian package ssh-audit)", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, _ := exec.CommandContext(ctx, "ssh-audit", "-n", "-p", fmt.Sprint(port), "127.0.0.1").Output()
	if !strings.Contains(string(out), "(kex) ") {
		t.Fatalf("ssh-audit printed no key exchange section:\n%s", out)
	}
	weak := map[string][]string{}
	var cat, alg string
	for _, line := range strings.Split(string(out), "\n") {
		var level, reason string
		if m := sshAuditLine.FindStringSubmatch(line); m != nil {
			cat, alg, level, reason = m[1], m[2], m[3], m[4]
		} else if m := sshAuditMore.FindStringSubmatch(line); m != nil && cat != "" {
			level, reason = m[1], m[2]
		} else {
			if !strings.HasPrefix(line, " ") {
				cat = ""
			}
			continue
		}
		if level != "fail" && level != "warn" || strings.Contains(reason, "unknown algorithm") || strings.Contains(reason, "experimental algorithm") {
			continue
		}
		if !slices.Contains(weak[cat], alg) {
			weak[cat] = append(weak[cat], alg)
		}
	}
	return weak
}

var sshAuditCheck = map[string]string{
	"kex": "access.host.ssh.kex_algorithms",
	"key": "access.host.ssh.hostkey_algorithms",
	"enc": "access.host.ssh.ciphers",
	"mac": "access.host.ssh.mac_algorithms",
}

// compareWithSSHAudit fails t for every algorithm ssh-audit calls weak that
// our finding for its category does not name.
func compareWithSSHAudit(t *testing.T, fs []access.Finding, weak map[string][]string) int {
	t.Helper()
	m := statuses(fs)
	n := 0
	for cat, algs := range weak {
		f := m[sshAuditCheck[cat]]
		for _, a := range algs {
			n++
			if f.Status != access.StatusFail || !slices.Contains(offered(f.Evidence), a) {
				t.Errorf("ssh-audit calls %s %s weak; %s is %v %q", cat, a, sshAuditCheck[cat], f.Status, f.Evidence)
			}
		}
	}
	return n
}

// offered reads the algorithm names out of "offers a (why), b (why, why)".
func offered(ev string) []string {
	var out []string
	for _, p := range strings.Split(strings.TrimPrefix(ev, "offers "), "), ") {
		out = append(out, strings.Fields(p)[0])
	}
	return out
}

// reloadSSHD makes the test host's sshd (PID 1) reread its configuration
// and waits until it answers with the new offer.
func reloadSSHD(t *testing.T, h testHost, conf string, want func(*access.SSHOffer) bool) {
	t.Helper()
	ctx := context.Background()
	script := fmt.Sprintf("cat >/etc/ssh/sshd_config.d/00-algorithms.conf <<'EOF'\n%sEOF\nsshd -t && kill -HUP 1 && echo SETUP-OK", conf)
	if out, code, err := h.Env.Exec(ctx, "sh", "-c", script); err != nil || code != 0 || !strings.Contains(out, "SETUP-OK") {
		t.Fatalf("setup: %v %d %s", err, code, out)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		o, err := access.ReadSSHOffer(ctx, h.Env.Addr)
		if err == nil && want(o) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("sshd did not come back with the new configuration: %v %+v", err, o)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestAuditAlgorithms (issue 9): the algorithms a real sshd offers in its
// handshake, as Debian ships it, weakened and hardened, are rated beside
// ssh-audit on the same host: nothing ssh-audit calls weak is missed.
func TestAuditAlgorithms(t *testing.T) {
	h := sshTestHosts(t, 1)[0]

	// As Debian ships it: NIST curves, SHA-1 and encrypt-and-MAC MACs;
	// strict key exchange, so no Terrapin.
	fs := mustAuditHost(t, h.Host, access.HostAuditOptions{})
	n := compareWithSSHAudit(t, fs, sshAuditWeak(t, h.Env.Port))
	m := statuses(fs)
	for _, k := range []string{"access.host.ssh.kex_algorithms", "access.host.ssh.hostkey_algorithms", "access.host.ssh.mac_algorithms"} {
		wantStatus(t, m, k, access.StatusFail)
	}
	wantStatus(t, m, "access.host.ssh.ciphers", access.StatusPass)
	wantStatus(t, m, "access.host.ssh.terrapin", access.StatusPass)
	t.Logf("Debian defaults: ssh-audit flags %d algorithms, all found", n)

	// Weakened: SHA-1 RSA signatures, MD5 and SHA-1 MACs, SHA-1 and
	// 1024-bit key exchange, CBC and 3DES.
	reloadSSHD(t, h, `HostKeyAlgorithms +ssh-rsa
MACs +hmac-md5,hmac-sha1-96
KexAlgorithms +diffie-hellman-group1-sha1,diffie-hellman-group14-sha1
Ciphers +aes128-cbc,3des-cbc
`, func(o *access.SSHOffer) bool { return slices.Contains(o.HostKey, "ssh-rsa") })
	fs = mustAuditHost(t, h.Host, access.HostAuditOptions{})
	n = compareWithSSHAudit(t, fs, sshAuditWeak(t, h.Env.Port))
	m = statuses(fs)
	for check, alg := range map[string]string{"access.host.ssh.hostkey_algorithms": "ssh-rsa (SHA-1 signatures (ssh-rsa))", "access.host.ssh.mac_algorithms": "hmac-md5 (MD5, encrypt-and-MAC)",
		"access.host.ssh.kex_algorithms": "diffie-hellman-group1-sha1 (SHA-1, 1024-bit group)", "access.host.ssh.ciphers": "3des-cbc (CBC mode, 3DES)"} {
		if f := m[check]; f.Status != access.StatusFail || !strings.Contains(f.Evidence, alg) {
			t.Errorf("%s = %v %q; want %s", check, f.Status, f.Evidence, alg)
		}
	}
	t.Logf("weakened: ssh-audit flags %d algorithms, all found", n)

	// Hardened: every algorithm check passes and ssh-audit flags nothing.
	reloadSSHD(t, h, `HostKeyAlgorithms ssh-ed25519,rsa-sha2-512,rsa-sha2-256
KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group-exchange-sha256
Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr
MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,umac-128-etm@openssh.com
`, func(o *access.SSHOffer) bool {
		return !slices.Contains(o.HostKey, "ssh-rsa") && !slices.Contains(o.MACs, "hmac-sha1")
	})
	fs = mustAuditHost(t, h.Host, access.HostAuditOptions{})
	weak := sshAuditWeak(t, h.Env.Port)
	if len(weak) != 0 {
		t.Errorf("ssh-audit still flags %v", weak)
	}
	m = statuses(fs)
	for _, k := range []string{"access.host.ssh.kex_algorithms", "access.host.ssh.hostkey_algorithms", "access.host.ssh.mac_algorithms", "access.host.ssh.ciphers", "access.host.ssh.terrapin"} {
		wantStatus(t, m, k, access.StatusPass)
	}
}

// TestAuditTerrapin: a server that offers ChaCha20-Poly1305 or an ETM MAC
// without strict key exchange is exposed; with it, or without either, it
// is not. Shown on the fake and on a raw server that sends such a KEXINIT.
func TestAuditTerrapin(t *testing.T) {
	old := &access.SSHOffer{Banner: "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u1", Kex: []string{"curve25519-sha256"}, HostKey: []string{"ssh-ed25519"},
		Ciphers: []string{"chacha20-poly1305@openssh.com", "aes128-ctr"}, MACs: []string{"hmac-sha2-256-etm@openssh.com"}}
	for _, c := range []struct {
		name    string
		edit    func(o *access.SSHOffer)
		exposed bool
	}{
		{"chacha20 and etm", func(o *access.SSHOffer) {}, true},
		{"strict kex", func(o *access.SSHOffer) { o.Kex = append(o.Kex, access.KexStrict) }, false},
		{"etm only", func(o *access.SSHOffer) { o.Ciphers = []string{"aes128-ctr"} }, true},
		{"neither", func(o *access.SSHOffer) {
			o.Ciphers, o.MACs = []string{"aes128-gcm@openssh.com"}, []string{"hmac-sha2-256"}
		}, false},
	} {
		o := *old
		o.Kex, o.Ciphers, o.MACs = slices.Clone(o.Kex), slices.Clone(o.Ciphers), slices.Clone(o.MACs)
		c.edit(&o)
		if got, ev := access.Terrapin(&o); got != c.exposed {
			t.Errorf("%s: Terrapin = %v %q; want %v", c.name, got, ev, c.exposed)
		}
	}

	h := accessfake.New("fake", accessfake.Options{})
	wantStatus(t, statuses(mustAuditHost(t, h, access.HostAuditOptions{})), "access.host.ssh.terrapin", access.StatusPass)
	// The fake's offer follows its settings, as a reloaded sshd's does.
	h.SetSSHD("MACs", "hmac-sha2-256-etm@openssh.com,hmac-md5")
	if f := statuses(mustAuditHost(t, h, access.HostAuditOptions{}))["access.host.ssh.mac_algorithms"]; f.Status != access.StatusFail || f.Evidence != "offers hmac-md5 (MD5, encrypt-and-MAC)" {
		t.Errorf("weak MAC on the fake = %v %q", f.Status, f.Evidence)
	}
	h.SetSSHD("MACs", "hmac-sha2-256-etm@openssh.com")
	wantStatus(t, statuses(mustAuditHost(t, h, access.HostAuditOptions{})), "access.host.ssh.mac_algorithms", access.StatusPass)
	h.SetFacts(access.HostFacts{Offer: old})
	f := statuses(mustAuditHost(t, h, access.HostAuditOptions{}))["access.host.ssh.terrapin"]
	if f.Status != access.StatusFail || !strings.Contains(f.Evidence, "deb12u1 offers chacha20-poly1305@openssh.com, hmac-sha2-256-etm@openssh.com without strict key exchange") {
		t.Errorf("terrapin on the fake = %v %q", f.Status, f.Evidence)
	}

	// A raw server: banner, a noise line, then a KEXINIT without strict kex.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		var p []byte
		p = append(p, 20)
		p = append(p, make([]byte, 16)...)
		for _, list := range []string{"curve25519-sha256,ext-info-s", "ssh-rsa,ssh-ed25519", "chacha20-poly1305@openssh.com", "aes128-ctr", "hmac-sha1-etm@openssh.com", "hmac-sha1-etm@openssh.com", "none", "none", "", ""} {
			p = binary.BigEndian.AppendUint32(p, uint32(len(list)))
			p = append(p, list...)
		}
		p = append(p, 0, 0, 0, 0, 0)
		pad := 8 - (len(p)+5)%8 + 4
		pkt := binary.BigEndian.AppendUint32(nil, uint32(1+len(p)+pad))
		pkt = append(pkt, byte(pad))
		pkt = append(pkt, p...)
		pkt = append(pkt, make([]byte, pad)...)
		fmt.Fprintf(c, "hello\r\nSSH-2.0-OpenSSH_8.9\r\n")
		_, _ = c.Write(pkt)
		_, _ = c.Read(make([]byte, 64))
	}()
	o, err := access.ReadSSHOffer(context.Background(), l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	if o.Banner != "SSH-2.0-OpenSSH_8.9" || strings.Join(o.Kex, ",") != "curve25519-sha256,ext-info-s" || strings.Join(o.HostKey, ",") != "ssh-rsa,ssh-ed25519" ||
		strings.Join(o.Ciphers, ",") != "chacha20-poly1305@openssh.com,aes128-ctr" || strings.Join(o.MACs, ",") != "hmac-sha1-etm@openssh.com" {
		t.Fatalf("offer = %+v", o)
	}
	if exposed, _ := access.Terrapin(o); !exposed {
		t.Error("raw server without strict kex not exposed")
	}
}
