package access

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/opskit-dev/opskit/internal/audit"
)

// KexStrict is the pseudo key exchange algorithm an OpenSSH server offers
// when it supports strict key exchange, the fix for Terrapin
// (CVE-2023-48795): OpenSSH 9.6 and later, and Debian 12's 9.2p1 from
// 1:9.2p1-2+deb12u2.
const KexStrict = "kex-strict-s-v00@openssh.com"

// WeakSSHAlgorithm says why an SSH algorithm offered in a handshake is
// weak, or "" when it is not. kind is "kex", "hostkey", "cipher" or "mac".
// The rules follow ssh-audit's ratings (fail or warn): SHA-1 and MD5
// hashes, SSH-1-era ciphers, CBC modes, 64-bit MAC tags, encrypt-and-MAC
// (non-ETM) MACs, 1024-bit DH groups and NIST elliptic curves.
func WeakSSHAlgorithm(kind, alg string) string {
	var why []string
	add := func(ok bool, reason string) {
		if ok {
			why = append(why, reason)
		}
	}
	has := func(s string) bool { return strings.Contains(alg, s) }
	switch kind {
	case "kex":
		add(strings.HasSuffix(alg, "-sha1") || has("-sha1-") || has("sha1@"), "SHA-1")
		add(has("group1-") || strings.HasSuffix(alg, "group1"), "1024-bit group")
		add(has("nistp"), "NIST curve")
		add(alg == "rsa1024-sha1" || alg == "rsa2048-sha256", "RSA key exchange")
	case "hostkey":
		base := strings.TrimSuffix(alg, "-cert-v01@openssh.com")
		add(base == "ssh-rsa", "SHA-1 signatures (ssh-rsa)")
		add(base == "ssh-dss", "DSA")
		add(has("nistp"), "NIST curve")
		add(has("x509v3-sign"), "SHA-1 signatures")
	case "cipher":
		add(has("cbc") || has("rijndael"), "CBC mode")
		add(has("3des"), "3DES")
		add(has("arcfour") || has("rc4"), "RC4")
		add(has("blowfish") || has("cast128") || strings.HasPrefix(alg, "des") || has("idea"), "obsolete cipher")
		add(alg == "none", "no encryption")
	case "mac":
		add(has("md5"), "MD5")
		add(has("sha1") || has("ripemd"), "SHA-1 or RIPEMD-160")
		add(has("-64") || has("-96"), "short tag")
		add(alg == "none", "no MAC")
		add(!strings.HasSuffix(alg, "-etm@openssh.com") && alg != "none", "encrypt-and-MAC")
	}
	return strings.Join(why, ", ")
}

// offerCheck builds a check over one algorithm list of the handshake
// offer: every weak algorithm, with why, is the evidence.
func offerCheck(c Check, kind string, list func(*SSHOffer) []string) audit.Checker[*hostTarget] {
	c.Tags = append([]string{"ssh", "host", "crypto"}, c.Tags...)
	return audit.Checker[*hostTarget]{Check: c, Func: func(_ context.Context, t *hostTarget) ([]Finding, error) {
		res := "host " + t.name + " ssh handshake"
		if t.facts.Offer == nil {
			return []Finding{c.Errored(res, fmt.Errorf("the server's handshake offer was not read: %s", t.facts.OfferError))}, nil
		}
		var bad []string
		for _, a := range list(t.facts.Offer) {
			if why := WeakSSHAlgorithm(kind, a); why != "" {
				bad = append(bad, a+" ("+why+")")
			}
		}
		if len(bad) > 0 {
			return []Finding{c.Fail(res, "offers "+strings.Join(bad, ", "))}, nil
		}
		return []Finding{c.Pass(res)}, nil
	}}
}

// Terrapin reports whether a server with this offer is exposed to the
// Terrapin prefix-truncation attack (CVE-2023-48795): it offers
// ChaCha20-Poly1305 or an encrypt-then-MAC MAC (with which CBC ciphers are
// also exposed) and does not offer strict key exchange. The evidence names
// the algorithms and the server's version.
func Terrapin(o *SSHOffer) (exposed bool, evidence string) {
	if slices.Contains(o.Kex, KexStrict) {
		return false, ""
	}
	var via []string
	for _, c := range o.Ciphers {
		if c == "chacha20-poly1305@openssh.com" {
			via = append(via, c)
		}
	}
	for _, m := range o.MACs {
		if strings.HasSuffix(m, "-etm@openssh.com") {
			via = append(via, m)
		}
	}
	if len(via) == 0 {
		return false, ""
	}
	return true, fmt.Sprintf("%s offers %s without strict key exchange (%s)", o.Banner, strings.Join(via, ", "), KexStrict)
}

// algorithmCheckers are the checks on what the server offers in its SSH
// handshake, read by a real connection (HostFacts.Offer).
func algorithmCheckers() []audit.Checker[*hostTarget] {
	ref := []string{"ssh-audit"}
	return []audit.Checker[*hostTarget]{
		offerCheck(Check{ID: "access.host.ssh.hostkey_algorithms", Title: "sshd offers weak host key algorithms", Severity: SeverityMedium,
			Remediation: Remediation{Text: "Offer ssh-ed25519 and rsa-sha2-512/rsa-sha2-256 only: set HostKeyAlgorithms, and remove DSA and ECDSA HostKey lines."}, References: ref},
			"hostkey", func(o *SSHOffer) []string { return o.HostKey }),
		offerCheck(Check{ID: "access.host.ssh.kex_algorithms", Title: "sshd offers weak key exchange algorithms", Severity: SeverityMedium,
			Remediation: Remediation{Text: "Set KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group-exchange-sha256."}, References: ref},
			"kex", func(o *SSHOffer) []string { return o.Kex }),
		offerCheck(Check{ID: "access.host.ssh.ciphers", Title: "sshd offers weak ciphers", Severity: SeverityMedium,
			Remediation: Remediation{Text: "Set Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr."}, References: ref},
			"cipher", func(o *SSHOffer) []string { return o.Ciphers }),
		offerCheck(Check{ID: "access.host.ssh.mac_algorithms", Title: "sshd offers weak or encrypt-and-MAC MACs", Severity: SeverityMedium,
			Remediation: Remediation{Text: "Set MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,umac-128-etm@openssh.com."}, References: ref},
			"mac", func(o *SSHOffer) []string { return o.MACs }),
		{Check: Check{ID: "access.host.ssh.terrapin", Title: "sshd is exposed to the Terrapin attack (CVE-2023-48795)", Severity: SeverityMedium,
			Remediation: Remediation{Text: "Upgrade OpenSSH to a version with strict key exchange (9.6, or Debian 12's 1:9.2p1-2+deb12u2 or later); until then remove chacha20-poly1305@openssh.com from Ciphers and every -etm MAC from MACs."},
			References:  []string{"CVE-2023-48795", "ssh-audit"}, Tags: []string{"ssh", "host", "crypto"}},
			Func: func(_ context.Context, t *hostTarget) ([]Finding, error) {
				c := Check{ID: "access.host.ssh.terrapin"}
				res := "host " + t.name + " ssh handshake"
				if t.facts.Offer == nil {
					return []Finding{c.Errored(res, fmt.Errorf("the server's handshake offer was not read: %s", t.facts.OfferError))}, nil
				}
				if exposed, ev := Terrapin(t.facts.Offer); exposed {
					return []Finding{c.Fail(res, ev)}, nil
				}
				return []Finding{c.Pass(res)}, nil
			}},
	}
}
