package access

// SSHDProbeAddrs are the client addresses the host audit evaluates sshd's
// Match blocks from, for root and every account opskit manages: loopback,
// the three private IPv4 ranges, and a public IPv4 and IPv6 address (from
// the documentation ranges). A Match block keyed on an address range one of
// them falls in is seen; one keyed on a single other address is not.
var SSHDProbeAddrs = []string{"127.0.0.1", "10.0.0.1", "172.16.0.1", "192.168.0.1", "203.0.113.1", "2001:db8::1"}

// SSHDMatch is sshd's effective configuration for one kind of connection:
// `sshd -T -C user=USER,host=ADDR,addr=ADDR`, so every Match block that
// applies to it has been applied.
type SSHDMatch struct {
	// User is the login user.
	User string
	// Addr is the client address.
	Addr string
	// Settings maps each lowercase keyword to its values, as HostFacts.SSHD.
	Settings map[string][]string
	// Error says why sshd -T failed for this connection, "" when it worked.
	Error string
}

// SSHOffer is what an SSH server offers in its handshake: its version
// banner and the algorithm lists of its KEXINIT message, as every client
// sees them before authenticating.
type SSHOffer struct {
	// Banner is the server's identification line, e.g.
	// "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3".
	Banner string
	// Kex are the key exchange algorithms, including pseudo-algorithms
	// such as kex-strict-s-v00@openssh.com.
	Kex []string
	// HostKey are the host key (signature) algorithms.
	HostKey []string
	// Ciphers are the encryption algorithms (both directions, without
	// duplicates).
	Ciphers []string
	// MACs are the message authentication codes (both directions, without
	// duplicates).
	MACs []string
}
