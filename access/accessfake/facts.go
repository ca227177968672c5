package accessfake

import (
	"context"
	"net/netip"
	"slices"
	"strings"

	"github.com/opskit-dev/opskit/access"
)

// MatchBlock is one sshd Match block: it applies to a connection whose
// user is in Users and whose client address is in Addrs, and sets
// Settings there (lowercase `sshd -T` keywords). An empty Users or Addrs
// matches any.
type MatchBlock struct {
	// Users are login names.
	Users []string
	// Addrs are addresses or CIDR prefixes ("10.0.0.0/8").
	Addrs []string
	// Settings are the keywords the block sets.
	Settings map[string][]string
}

func (b MatchBlock) matches(user, addr string) bool {
	if len(b.Users) > 0 && !slices.Contains(b.Users, user) {
		return false
	}
	if len(b.Addrs) == 0 {
		return true
	}
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	for _, a := range b.Addrs {
		if p, err := netip.ParsePrefix(a); err == nil && p.Contains(ip) {
			return true
		}
		if x, err := netip.ParseAddr(a); err == nil && x == ip {
			return true
		}
	}
	return false
}

// AddSSHDMatch appends a Match block to the fake's sshd configuration. As
// in sshd, for each keyword the first block that matches a connection and
// sets it wins over the global setting.
func (h *Host) AddSSHDMatch(b MatchBlock) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c := MatchBlock{Users: slices.Clone(b.Users), Addrs: slices.Clone(b.Addrs), Settings: map[string][]string{}}
	for k, v := range b.Settings {
		c.Settings[strings.ToLower(k)] = slices.Clone(v)
	}
	h.matches = append(h.matches, c)
}

// ClearSSHDMatches removes every Match block.
func (h *Host) ClearSSHDMatches() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.matches = nil
}

// effective is sshd -T -C user=USER,addr=ADDR over the fake's settings.
func (h *Host) effective(user, addr string) map[string][]string {
	out := make(map[string][]string, len(h.facts.SSHD))
	for k, v := range h.facts.SSHD {
		out[k] = slices.Clone(v)
	}
	set := map[string]bool{}
	for _, b := range h.matches {
		if !b.matches(user, addr) {
			continue
		}
		for k, v := range b.Settings {
			if !set[k] {
				out[k] = slices.Clone(v)
				set[k] = true
			}
		}
	}
	return out
}

// Package is one package in the fake's apt state.
type Package struct {
	// Name is the package name.
	Name string
	// Installed is the installed version, "" when not installed.
	Installed string
	// Candidate is the version the package lists offer, "" for none.
	Candidate string
	// Origin is the archive the candidate comes from, as apt-get -s prints
	// it, e.g. "Debian-Security:12/stable-security" or "Debian:12.9/stable".
	Origin string
}

type packageState struct {
	lists bool
	pkgs  []Package
}

// SetPackages sets the fake's apt state: lists reports whether package
// lists are present (apt-get update has run), and pkgs are the packages.
// Facts then reports, as `apt-get -s upgrade` would, an upgrade for every
// installed package whose candidate differs from its installed version,
// marked Security when its origin is a security archive. A new fake has
// package lists and no packages.
func (h *Host) SetPackages(lists bool, pkgs ...Package) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.pkgs = &packageState{lists: lists, pkgs: slices.Clone(pkgs)}
}

// UpgradePackages installs every candidate, as apt-get upgrade would.
func (h *Host) UpgradePackages() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.pkgs == nil || !h.pkgs.lists {
		return
	}
	for i, p := range h.pkgs.pkgs {
		if p.Installed != "" && p.Candidate != "" {
			h.pkgs.pkgs[i].Installed = p.Candidate
		}
	}
}

func (s *packageState) upgrades() []access.PackageUpgrade {
	var out []access.PackageUpgrade
	if !s.lists {
		return out
	}
	for _, p := range s.pkgs {
		if p.Installed == "" || p.Candidate == "" || p.Candidate == p.Installed {
			continue
		}
		out = append(out, access.PackageUpgrade{Name: p.Name, Version: p.Candidate, Origin: p.Origin,
			Security: strings.Contains(strings.ToLower(p.Origin), "-security") || strings.Contains(p.Origin, "Debian-Security")})
	}
	return out
}

// defaultHostKeys are the host key algorithms a Debian 12 sshd offers
// with the keys ssh-keygen -A makes (RSA, ECDSA P-256, Ed25519).
var defaultHostKeys = []string{"rsa-sha2-512", "rsa-sha2-256", "ecdsa-sha2-nistp256", "ssh-ed25519"}

// offer is the handshake offer derived from the global sshd settings,
// with strict key exchange, as Debian 12's current OpenSSH sends it; a
// seeded HostFacts.Offer replaces it.
func (h *Host) offer() *access.SSHOffer {
	if h.facts.Offer != nil {
		o := *h.facts.Offer
		o.Kex, o.HostKey, o.Ciphers, o.MACs = slices.Clone(o.Kex), slices.Clone(o.HostKey), slices.Clone(o.Ciphers), slices.Clone(o.MACs)
		return &o
	}
	list := func(k string) []string {
		if v := h.facts.SSHD[k]; len(v) > 0 {
			return strings.Split(v[0], ",")
		}
		return nil
	}
	hostKeys := list("hostkeyalgorithms")
	if hostKeys == nil {
		hostKeys = slices.Clone(defaultHostKeys)
	}
	return &access.SSHOffer{
		Banner:  "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3",
		Kex:     append(list("kexalgorithms"), access.KexStrict),
		HostKey: hostKeys,
		Ciphers: list("ciphers"),
		MACs:    list("macs"),
	}
}

// Facts returns the sshd settings (globally and per account and probe
// address), the handshake offer, and the package and reboot state.
func (h *Host) Facts(ctx context.Context) (*access.HostFacts, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := h.check(ctx, "facts"); err != nil {
		return nil, err
	}
	f := h.facts
	f.SSHD = h.effective("opskit-audit", "none")
	users := []string{"root"}
	for _, a := range h.accs {
		if a.gecos == access.ManagedMarker {
			users = append(users, a.name)
		}
	}
	f.SSHDMatches = nil
	for _, u := range users {
		for _, addr := range access.SSHDProbeAddrs {
			f.SSHDMatches = append(f.SSHDMatches, access.SSHDMatch{User: u, Addr: addr, Settings: h.effective(u, addr)})
		}
	}
	f.Offer, f.OfferError = h.offer(), ""
	if h.pkgs != nil {
		f.PackageLists, f.Upgrades, f.UpgradesError = h.pkgs.lists, h.pkgs.upgrades(), ""
	} else {
		f.Upgrades = slices.Clone(h.facts.Upgrades)
	}
	f.RebootPackages = slices.Clone(h.facts.RebootPackages)
	h.pullEnv(&f)
	return &f, nil
}
