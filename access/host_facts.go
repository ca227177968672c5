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
	// DockerDaemonConfig is DockerDaemonConfigFile's content, nil when
	// absent.
	DockerDaemonConfig []byte
	// PullUsers are the users who can pull images: root and the members of
	// DockerGroup.
	PullUsers []string
	// LoginEnv are the SystemEnvFiles that exist, then each of PullUsers'
	// UserEnvFiles that exist, read as that user; in reading order.
	LoginEnv []EnvFile
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

// Files under /etc and in homes that govern how a host pulls container
// images, read into HostFacts for the container audit's content trust check.
const (
	// DockerDaemonConfigFile is the Docker daemon's configuration file.
	DockerDaemonConfigFile = "/etc/docker/daemon.json"
	// DockerGroup is the group whose members may use the Docker daemon,
	// and so pull images, besides root.
	DockerGroup = "docker"
	// MaxEnvFileSize bounds what is read of one environment file.
	MaxEnvFileSize = 64 << 10
)

// SystemEnvFiles are the system-wide files that set a login environment,
// in the order a login reads them (/etc/profile.d/*.sh sorted where the
// glob stands).
var SystemEnvFiles = []string{"/etc/environment", "/etc/profile", "/etc/profile.d/*.sh", "/etc/bash.bashrc"}

// UserEnvFiles are the files in a home that set a user's login
// environment, in the order a login reads them (bash reads only the first
// of .bash_profile, .bash_login and .profile that exists).
var UserEnvFiles = []string{".pam_environment", ".bash_profile", ".bash_login", ".profile", ".bashrc"}

// EnvFileVariable is the variable whose lines EnvFile.Content keeps.
const EnvFileVariable = "DOCKER_CONTENT_TRUST"

// EnvFile is one file that sets a login environment.
type EnvFile struct {
	// User is the user whose home holds the file, "" for a system-wide file.
	User string
	// Path is the absolute path.
	Path string
	// Content is the lines of the file's first MaxEnvFileSize bytes that
	// mention EnvFileVariable, in order; nothing else leaves the host
	// (login files often hold tokens and proxy passwords).
	Content []byte
}
