package access

// HostFacts is what the host audit reads from a host.
type HostFacts struct {
	// SSHD maps each lowercase keyword printed by `sshd -T` to its values,
	// one entry per line (HostKey, for example, appears several times).
	SSHD map[string][]string
	// SSHDError says why sshd -T failed, "" when it worked.
	SSHDError string
	// SSHDMatches are the effective settings for root and every account
	// opskit manages from each of SSHDProbeAddrs, so Match blocks that
	// change them are seen.
	SSHDMatches []SSHDMatch
	// Offer is what the SSH server offers in its handshake, nil when it
	// could not be read (OfferError says why).
	Offer      *SSHOffer
	OfferError string
	// PackageLists reports whether apt has package lists; without them
	// pending updates cannot be known.
	PackageLists bool
	// Upgrades are the packages `apt-get -s upgrade` would upgrade.
	Upgrades []PackageUpgrade
	// UpgradesError says why the simulation failed, "" when it worked.
	UpgradesError string
	// RebootRequired reports /var/run/reboot-required.
	RebootRequired bool
	// RebootPackages lists /var/run/reboot-required.pkgs.
	RebootPackages []string
}

// PackageUpgrade is one pending package upgrade.
type PackageUpgrade struct {
	Name    string
	Version string
	// Origin is the archive the new version comes from, e.g.
	// "Debian-Security:12/stable-security".
	Origin string
	// Security reports an upgrade from a security pocket.
	Security bool
}
