package access

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/opskit-dev/opskit/internal/audit"
	"golang.org/x/crypto/ssh"
)

// HostAuditOptions configures AuditHost.
type HostAuditOptions struct {
	// TeamFile declares which keys each user may have; keys in any
	// authorized_keys on the host that it does not declare for that user
	// fail access.host.authorized_keys.undeclared. Nil declares none.
	TeamFile *TeamFile
	// AllowedKeys are further keys allowed per user, such as the
	// automation key in root's authorized_keys, as authorized_keys lines.
	AllowedKeys map[string][]string
}

type hostTarget struct {
	name  string
	state *HostState
	facts *HostFacts
	opts  HostAuditOptions
}

// Weak algorithms as ssh-audit rates them.
var (
	weakCiphers = []string{"3des-cbc", "aes128-cbc", "aes192-cbc", "aes256-cbc", "arcfour", "arcfour128", "arcfour256", "blowfish-cbc", "cast128-cbc", "rijndael-cbc@lysator.liu.se"}
	weakKex     = []string{"diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1", "diffie-hellman-group-exchange-sha1", "gss-gex-sha1-", "gss-group1-sha1-", "gss-group14-sha1-"}
	weakMACs    = []string{"hmac-md5", "hmac-md5-96", "hmac-md5-etm@openssh.com", "hmac-md5-96-etm@openssh.com", "hmac-sha1", "hmac-sha1-96", "hmac-sha1-etm@openssh.com", "hmac-sha1-96-etm@openssh.com", "hmac-ripemd160", "hmac-ripemd160@openssh.com", "hmac-ripemd160-etm@openssh.com", "umac-64@openssh.com", "umac-64-etm@openssh.com"}
)

// sshdCheck builds a check on one sshd -T keyword; bad returns evidence of
// a failure or "".
func sshdCheck(c Check, keyword string, bad func(v string) string) audit.Checker[*hostTarget] {
	c.Tags = append([]string{"ssh", "host"}, c.Tags...)
	return audit.Checker[*hostTarget]{Check: c, Func: func(_ context.Context, t *hostTarget) ([]Finding, error) {
		res := "host " + t.name + " sshd " + keyword
		if t.facts.SSHDError != "" {
			return []Finding{c.Errored(res, fmt.Errorf("sshd -T failed: %s", t.facts.SSHDError))}, nil
		}
		vals, ok := t.facts.SSHD[keyword]
		if !ok || len(vals) == 0 {
			return []Finding{c.Errored(res, fmt.Errorf("sshd -T does not print %s", keyword))}, nil
		}
		v := strings.ToLower(vals[0])
		if ev := bad(v); ev != "" {
			return []Finding{c.Fail(res, ev)}, nil
		}
		return []Finding{c.Pass(res)}, nil
	}}
}

func is(bad string) func(string) string {
	return func(v string) string {
		if v == bad {
			return "is " + v
		}
		return ""
	}
}

func weakIn(list []string) func(string) string {
	return func(v string) string {
		var found []string
		for _, a := range strings.Split(v, ",") {
			for _, w := range list {
				if a == w || strings.HasSuffix(w, "-") && strings.HasPrefix(a, w) {
					found = append(found, a)
				}
			}
		}
		if len(found) > 0 {
			return "offers " + strings.Join(found, ",")
		}
		return ""
	}
}

func hostCheckers() []audit.Checker[*hostTarget] {
	checks := append(baseHostCheckers(), matchCheckers()...)
	return append(append(checks, algorithmCheckers()...), privilegedGroupChecker())
}

func baseHostCheckers() []audit.Checker[*hostTarget] {
	cis := func(s string) []string { return []string{"CIS Debian Linux 12 " + s, "Lynis SSH-7408"} }
	return []audit.Checker[*hostTarget]{
		sshdCheck(Check{ID: "access.host.sshd.permit_root_login", Title: "sshd lets root log in with a password", Severity: SeverityHigh,
			Remediation: Remediation{Text: "Set PermitRootLogin no (or prohibit-password) in sshd_config, above any Include or Match."}, References: cis("5.1.20")},
			"permitrootlogin", is("yes")),
		sshdCheck(Check{ID: "access.host.sshd.password_authentication", Title: "sshd accepts passwords", Severity: SeverityHigh,
			Remediation: Remediation{Text: "Set PasswordAuthentication no."}, References: cis("5.1.x")},
			"passwordauthentication", is("yes")),
		sshdCheck(Check{ID: "access.host.sshd.kbd_interactive", Title: "sshd accepts keyboard-interactive authentication", Severity: SeverityMedium,
			Remediation: Remediation{Text: "Set KbdInteractiveAuthentication no."}, References: cis("5.1.x")},
			"kbdinteractiveauthentication", is("yes")),
		sshdCheck(Check{ID: "access.host.sshd.permit_empty_passwords", Title: "sshd accepts empty passwords", Severity: SeverityCritical,
			Remediation: Remediation{Text: "Set PermitEmptyPasswords no."}, References: cis("5.1.19")},
			"permitemptypasswords", is("yes")),
		sshdCheck(Check{ID: "access.host.sshd.max_auth_tries", Title: "sshd allows more than 4 authentication attempts", Severity: SeverityLow,
			Remediation: Remediation{Text: "Set MaxAuthTries 4 or lower."}, References: cis("5.1.16")},
			"maxauthtries", func(v string) string {
				if n, err := strconv.Atoi(v); err != nil || n > 4 {
					return "is " + v
				}
				return ""
			}),
		sshdCheck(Check{ID: "access.host.sshd.x11_forwarding", Title: "sshd allows X11 forwarding", Severity: SeverityLow,
			Remediation: Remediation{Text: "Set X11Forwarding no."}, References: cis("5.1.9")},
			"x11forwarding", is("yes")),
		sshdCheck(Check{ID: "access.host.sshd.tcp_forwarding", Title: "sshd allows TCP forwarding", Severity: SeverityLow,
			Remediation: Remediation{Text: "Set AllowTcpForwarding no unless users need tunnels."}, References: cis("5.1.6")},
			"allowtcpforwarding", func(v string) string {
				if v != "no" {
					return "is " + v
				}
				return ""
			}),
		sshdCheck(Check{ID: "access.host.sshd.weak_ciphers", Title: "sshd offers weak ciphers", Severity: SeverityMedium,
			Remediation: Remediation{Text: "Limit Ciphers to chacha20-poly1305@openssh.com, aes256-gcm@openssh.com, aes128-gcm@openssh.com, aes256-ctr, aes192-ctr, aes128-ctr."}, References: cis("5.1.4")},
			"ciphers", weakIn(weakCiphers)),
		sshdCheck(Check{ID: "access.host.sshd.weak_kex", Title: "sshd offers weak key exchanges", Severity: SeverityMedium,
			Remediation: Remediation{Text: "Limit KexAlgorithms to sntrup761x25519-sha512@openssh.com, curve25519-sha256 and the group16/18 SHA-512 groups."}, References: cis("5.1.5")},
			"kexalgorithms", weakIn(weakKex)),
		sshdCheck(Check{ID: "access.host.sshd.weak_macs", Title: "sshd offers weak MACs", Severity: SeverityMedium,
			Remediation: Remediation{Text: "Limit MACs to hmac-sha2-512-etm@openssh.com, hmac-sha2-256-etm@openssh.com, umac-128-etm@openssh.com."}, References: cis("5.1.7")},
			"macs", weakIn(weakMACs)),
		{Check: Check{ID: "access.host.authorized_keys.undeclared", Title: "authorized_keys holds a key the team file does not declare", Severity: SeverityHigh,
			Remediation: Remediation{Text: "Remove the key, or declare it in the team file and re-run the grant."}, Tags: []string{"ssh", "host", "keys"}},
			Func: checkUndeclaredKeys},
		{Check: Check{ID: "access.host.authorized_keys.permissions", Title: "a key file sshd reads, or ~/.ssh, is a link, not a regular file, open to other users or owned by another user", Severity: SeverityMedium,
			Remediation: Remediation{Text: "Replace links with regular files; chown the file and ~/.ssh to the user; chmod 0600 (or stricter) the file and 0700 the directory; or keep keys root-owned (access.KeysRootOwned).",
				Command: "chmod 0700 ~USER/.ssh && chmod 0600 ~USER/.ssh/authorized_keys"}, Tags: []string{"ssh", "host", "keys"}},
			Func: checkKeyPermissions},
		{Check: Check{ID: "access.host.home.permissions", Title: "a home directory is writable by other users or owned by another user", Severity: SeverityMedium,
			Remediation: Remediation{Text: "chmod go-w the home and chown it to the user: anyone who can write it can replace ~/.ssh and the shell's start-up files.",
				Command: "chmod go-w /home/USER && chown USER /home/USER"},
			References: []string{"CIS Debian Linux 12 7.2.9", "sshd_config(5) StrictModes"}, Tags: []string{"ssh", "host", "files"}},
			Func: checkHomePermissions},
		{Check: Check{ID: "access.host.users.extra_uid0", Title: "an account other than root has UID 0", Severity: SeverityCritical,
			Remediation: Remediation{Text: "Remove the account or give it its own UID."}, References: []string{"CIS Debian Linux 12 7.2.x"}, Tags: []string{"host", "users"}},
			Func: func(_ context.Context, t *hostTarget) ([]Finding, error) {
				c := Check{ID: "access.host.users.extra_uid0"}
				var extra []string
				for _, a := range t.state.Accounts {
					if a.UID == 0 && a.Name != "root" {
						extra = append(extra, a.Name)
					}
				}
				if len(extra) > 0 {
					return []Finding{c.Fail("host "+t.name, "UID 0: "+strings.Join(extra, ", "))}, nil
				}
				return []Finding{c.Pass("host " + t.name)}, nil
			}},
		{Check: Check{ID: "access.host.packages.security_updates", Title: "security updates are pending", Severity: SeverityHigh,
			Remediation: Remediation{Text: "Install them: apt-get update && apt-get upgrade; enable unattended-upgrades.", Command: "apt-get update && apt-get -y upgrade"},
			References:  []string{"Lynis PKGS-7392"}, Tags: []string{"host", "patching"}},
			Func: func(_ context.Context, t *hostTarget) ([]Finding, error) {
				c := Check{ID: "access.host.packages.security_updates"}
				res := "host " + t.name
				switch {
				case !t.facts.PackageLists:
					return []Finding{c.Errored(res, fmt.Errorf("unknown: the host has no apt package lists (run apt-get update), so pending updates cannot be known"))}, nil
				case t.facts.UpgradesError != "":
					return []Finding{c.Errored(res, fmt.Errorf("apt-get -s upgrade failed: %s", t.facts.UpgradesError))}, nil
				}
				var sec []string
				for _, u := range t.facts.Upgrades {
					if u.Security {
						sec = append(sec, u.Name+" "+u.Version)
					}
				}
				if len(sec) > 0 {
					return []Finding{c.Fail(res, fmt.Sprintf("%d pending: %s", len(sec), strings.Join(sec, ", ")))}, nil
				}
				return []Finding{c.Pass(res)}, nil
			}},
		{Check: Check{ID: "access.host.reboot_required", Title: "the host needs a reboot to finish updates", Severity: SeverityMedium,
			Remediation: Remediation{Text: "Reboot in the next maintenance window."}, References: []string{"Lynis KRNL-5830"}, Tags: []string{"host", "patching"}},
			Func: func(_ context.Context, t *hostTarget) ([]Finding, error) {
				c := Check{ID: "access.host.reboot_required"}
				if t.facts.RebootRequired {
					ev := "/var/run/reboot-required exists"
					if len(t.facts.RebootPackages) > 0 {
						ev += "; packages: " + strings.Join(t.facts.RebootPackages, ", ")
					}
					return []Finding{c.Fail("host "+t.name, ev)}, nil
				}
				return []Finding{c.Pass("host " + t.name)}, nil
			}},
	}
}

func (t *hostTarget) declared(user string) map[string]bool {
	m := map[string]bool{}
	if t.opts.TeamFile != nil {
		if u := t.opts.TeamFile.User(user); u != nil {
			for _, k := range u.Keys {
				m[k.Fingerprint()] = true
			}
		}
	}
	for _, l := range t.opts.AllowedKeys[user] {
		if pk, _, _, _, err := ssh.ParseAuthorizedKey([]byte(l)); err == nil {
			m[ssh.FingerprintSHA256(pk)] = true
		}
	}
	return m
}

// keySources are the key files sshd reads for a: the root-owned file for
// a member of KeysGroup when the host has the root-owned store configured,
// otherwise every file its AuthorizedKeysFile names.
func (t *hostTarget) keySources(a *Account) []KeyFile {
	if t.state.RootKeysConfigured && slices.Contains(a.Groups, KeysGroup) {
		if a.RootKeys == nil {
			return nil
		}
		return []KeyFile{{Path: RootKeysDir + "/" + a.Name, Type: "file", FileInfo: a.RootKeys.FileInfo, Size: int64(len(a.RootKeys.Content)), Content: a.RootKeys.Content}}
	}
	var out []KeyFile
	for _, kf := range a.KeyFiles {
		if kf.Type != "dir" {
			out = append(out, kf)
		}
	}
	return out
}

func checkUndeclaredKeys(_ context.Context, t *hostTarget) ([]Finding, error) {
	c := Check{ID: "access.host.authorized_keys.undeclared"}
	var out []Finding
	for i := range t.state.Accounts {
		a := &t.state.Accounts[i]
		src := t.keySources(a)
		if len(src) == 0 {
			continue
		}
		res := "host " + t.name + " user " + a.Name
		ok := t.declared(a.Name)
		var bad []string
		for _, kf := range src {
			// Every line is looked at, however long the one before it:
			// sshd reads them all.
			for n, line := range strings.Split(string(kf.Content), "\n") {
				line = strings.TrimSpace(line)
				if line == "" || strings.HasPrefix(line, "#") {
					continue
				}
				pk, _, _, _, err := ssh.ParseAuthorizedKey([]byte(line))
				if err != nil {
					continue
				}
				if fp := ssh.FingerprintSHA256(pk); !ok[fp] {
					bad = append(bad, fmt.Sprintf("%s line %d: %s %s", kf.Path, n+1, pk.Type(), fp))
				}
			}
			if kf.Truncated {
				bad = append(bad, fmt.Sprintf("%s is %d bytes: only the first %d were read, keys beyond are not audited", kf.Path, kf.Size, MaxKeyFileSize))
			}
		}
		if len(bad) > 0 {
			out = append(out, c.Fail(res, strings.Join(bad, "; ")))
		} else {
			out = append(out, c.Pass(res))
		}
	}
	return out, nil
}

func checkKeyPermissions(_ context.Context, t *hostTarget) ([]Finding, error) {
	c := Check{ID: "access.host.authorized_keys.permissions"}
	var out []Finding
	for i := range t.state.Accounts {
		a := &t.state.Accounts[i]
		src := t.keySources(a)
		if len(src) == 0 {
			continue
		}
		res := "host " + t.name + " user " + a.Name
		var bad []string
		for _, f := range src {
			switch {
			case f.Type == "symlink":
				bad = append(bad, f.Path+" is a symbolic link")
			case f.Type != "file":
				bad = append(bad, f.Path+" is a "+f.Type+", not a regular file")
			case !slices.Contains([]string{a.Name, "root"}, f.Owner) || f.Mode&0o022 != 0 || f.Owner != "root" && f.Mode&0o077 != 0:
				bad = append(bad, fmt.Sprintf("%s %04o %s", f.Path, f.Mode, f.Owner))
			}
		}
		// ~/.ssh holds more than keys (known_hosts, private keys): 0700
		// and the user's own, as ssh(1) asks.
		if d := a.SSHDir; d != nil && (d.Mode&0o077 != 0 || d.Owner != a.Name) {
			bad = append(bad, fmt.Sprintf(".ssh %04o %s (want 0700 %s)", d.Mode, d.Owner, a.Name))
		}
		if len(bad) > 0 {
			out = append(out, c.Fail(res, strings.Join(bad, "; ")))
		} else {
			out = append(out, c.Pass(res))
		}
	}
	return out, nil
}

// checkHomePermissions fails a home that a user other than its owner (or
// root) can write: group or other write bits, or another owner. Only the
// homes of accounts that can log in are read (Account.HomeDir).
func checkHomePermissions(_ context.Context, t *hostTarget) ([]Finding, error) {
	c := Check{ID: "access.host.home.permissions"}
	var out []Finding
	for i := range t.state.Accounts {
		a := &t.state.Accounts[i]
		d := a.HomeDir
		if d == nil {
			continue
		}
		res := "host " + t.name + " user " + a.Name
		if d.Mode&0o022 != 0 || !slices.Contains([]string{a.Name, "root"}, d.Owner) {
			out = append(out, c.Fail(res, fmt.Sprintf("%s %04o %s:%s", a.Home, d.Mode, d.Owner, d.Group)))
		} else {
			out = append(out, c.Pass(res))
		}
	}
	return out, nil
}

// HostChecks returns the checks AuditHost runs.
func HostChecks() []Check {
	var out []Check
	for _, c := range hostCheckers() {
		out = append(out, c.Check)
	}
	return out
}

// AuditHost reads the host's accounts and facts (two sessions over one
// connection for an SSH host) and runs the host checks: effective sshd
// settings, undeclared or exposed authorized keys, extra UID 0 accounts,
// pending security updates and a pending reboot.
func AuditHost(ctx context.Context, h Host, opts HostAuditOptions) ([]Finding, error) {
	st, err := h.Snapshot(ctx, SnapshotOptions{})
	if err != nil {
		return nil, err
	}
	facts, err := h.Facts(ctx)
	if err != nil {
		return nil, err
	}
	return audit.Run(ctx, &hostTarget{name: h.Name(), state: st, facts: facts, opts: opts}, hostCheckers()...), nil
}
