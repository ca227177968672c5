package main

import (
	"errors"
	"net"
	"os"
	"time"

	"github.com/opskit-dev/opskit/access/sshhost"
	"github.com/opskit-dev/opskit/examples/internal/cli"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// sshConn holds what every host connection shares: authentication and the
// known_hosts file.
type sshConn struct {
	cfg   sshhost.Config
	agent net.Conn
}

// sshConfig resolves authentication (a key file, else ssh-agent) and the
// known_hosts file from the flags and the inventory.
func (f *hostFlags) sshConfig(cfg *cli.Config, s sshConfig) (*sshConn, error) {
	c := &sshConn{cfg: sshhost.Config{User: s.User, Sudo: s.Sudo, DialTimeout: s.Timeout}}
	if c.cfg.DialTimeout == 0 {
		c.cfg.DialTimeout = 10 * time.Second
	}
	kh := f.knownHosts
	if kh == "" {
		kh = s.KnownHosts
	}
	if kh == "" {
		kh = "~/.ssh/known_hosts"
	}
	c.cfg.KnownHostsFile = expandHome(kh)
	if _, err := os.Stat(c.cfg.KnownHostsFile); err != nil {
		return nil, cfg.Errorf("ssh.known_hosts", "%s: %v (host keys are always checked)", c.cfg.KnownHostsFile, errors.Unwrap(err))
	}
	id := f.identity
	field := "--identity"
	if id == "" && s.IdentityFile != "" {
		id, field = s.IdentityFile, "ssh.identity_file"
	}
	if id != "" {
		pem, err := os.ReadFile(expandHome(id))
		if err != nil {
			return nil, keyErr(cfg, field, "cannot read %s: %v", id, errors.Unwrap(err))
		}
		signer, err := ssh.ParsePrivateKey(pem)
		if err != nil {
			var pp *ssh.PassphraseMissingError
			if errors.As(err, &pp) {
				return nil, keyErr(cfg, field, "%s is encrypted: load it into ssh-agent instead", id)
			}
			// The parser's message never carries key material.
			return nil, keyErr(cfg, field, "%s: %v", id, err)
		}
		c.cfg.Auth = []ssh.AuthMethod{ssh.PublicKeys(signer)}
		return c, nil
	}
	sock := os.Getenv("SSH_AUTH_SOCK")
	if sock == "" {
		return nil, cli.Usagef("no SSH key: set identity_file in the inventory, pass --identity, or run ssh-agent (SSH_AUTH_SOCK)")
	}
	conn, err := net.Dial("unix", sock)
	if err != nil {
		return nil, cli.Usagef("ssh-agent at SSH_AUTH_SOCK does not answer: %v", err)
	}
	c.agent = conn
	c.cfg.Auth = []ssh.AuthMethod{ssh.PublicKeysCallback(agent.NewClient(conn).Signers)}
	return c, nil
}

func keyErr(cfg *cli.Config, field, format string, args ...any) error {
	if field == "--identity" {
		return cli.Usagef("--identity: "+format, args...)
	}
	return cfg.Errorf(field, format, args...)
}

func (c *sshConn) host(h hostRef) (*sshhost.Host, error) {
	cfg := c.cfg
	cfg.Name = h.Name
	return sshhost.New(h.Address, cfg)
}

func (c *sshConn) close() {
	if c.agent != nil {
		c.agent.Close()
	}
}
