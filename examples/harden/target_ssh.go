package main

import (
	"context"
	"errors"
	"net"
	"os"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/access/sshhost"
	"github.com/opskit-dev/opskit/examples/internal/cli"
)

// sshTargets audits each SSH host: effective sshd settings (Match blocks
// included), the algorithms it offers, authorized keys nobody declared,
// extra UID 0 accounts, pending security updates and reboots. Host keys
// are always checked against known_hosts.
func (r *resolver) sshTargets(ctx context.Context, s *sshConfig) ([]target, error) {
	hc := sshhost.Config{User: s.User, Sudo: s.Sudo, DialTimeout: 10 * time.Second}
	kh := s.KnownHosts
	if kh == "" {
		kh = "~/.ssh/known_hosts"
	}
	hc.KnownHostsFile = expandHome(kh)
	if _, err := os.Stat(hc.KnownHostsFile); err != nil {
		return nil, r.cfg.Errorf("ssh.known_hosts", "%s: %v (host keys are always checked)", hc.KnownHostsFile, pathErr(err))
	}
	if s.IdentityFile != "" {
		pem, err := os.ReadFile(expandHome(s.IdentityFile))
		if err != nil {
			return nil, r.cfg.Errorf("ssh.identity_file", "cannot read %s: %v", s.IdentityFile, pathErr(err))
		}
		signer, err := ssh.ParsePrivateKey(pem)
		if err != nil {
			var pp *ssh.PassphraseMissingError
			if errors.As(err, &pp) {
				return nil, r.cfg.Errorf("ssh.identity_file", "%s is encrypted: load it into ssh-agent instead", s.IdentityFile)
			}
			// The parser's message never carries key material.
			return nil, r.cfg.Errorf("ssh.identity_file", "%s: %v", s.IdentityFile, err)
		}
		hc.Auth = []ssh.AuthMethod{ssh.PublicKeys(signer)}
	} else {
		sock := os.Getenv("SSH_AUTH_SOCK")
		if sock == "" {
			return nil, cli.Usagef("no SSH key: set ssh.identity_file, pass --identity, or run ssh-agent (SSH_AUTH_SOCK)")
		}
		conn, err := net.Dial("unix", sock)
		if err != nil {
			return nil, cli.Usagef("ssh-agent at SSH_AUTH_SOCK does not answer: %v", err)
		}
		r.closers = append(r.closers, func() { conn.Close() })
		hc.Auth = []ssh.AuthMethod{ssh.PublicKeysCallback(agent.NewClient(conn).Signers)}
	}
	opts := access.HostAuditOptions{AllowedKeys: s.AllowedKeys}
	if s.TeamFile != "" {
		tf, err := access.LoadTeamFile(ctx, expandHome(s.TeamFile), access.LoadOptions{Fetcher: access.NewGitHubKeys(access.GitHubOptions{})})
		if err != nil {
			return nil, r.cfg.Errorf("ssh.team_file", "%v", err)
		}
		opts.TeamFile = tf
	}
	var out []target
	for _, h := range s.Hosts {
		cfg := hc
		cfg.Name = h.Name
		host, err := sshhost.New(h.Address, cfg)
		if err != nil {
			return nil, r.cfg.Errorf("ssh.hosts", "host %s: %v", h.Name, err)
		}
		r.closers = append(r.closers, func() { host.Close() })
		if r.sshHosts == nil {
			r.sshHosts = map[string]access.Host{}
		}
		r.sshHosts[h.Name] = host
		out = append(out, hostTarget("ssh "+h.Name, host, opts))
	}
	return out, nil
}

// hostTarget audits one host.
func hostTarget(name string, h access.Host, opts access.HostAuditOptions) target {
	return target{name: name, checks: access.HostChecks(), audit: func(ctx context.Context) ([]access.Finding, error) {
		return access.AuditHost(ctx, h, opts)
	}}
}
