package testenv

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"golang.org/x/crypto/ssh"
)

// SSHImage is the SSH host image that services.sh builds (debootstrap
// bookworm minbase with openssh-server, passwd, sudo and python3).
func SSHImage() string { return getenv("OPSKIT_SSH_IMAGE", "opskit/sshhost:bookworm-1") }

// SSHHost is one SSH host running in a container with --network host, its
// sshd listening on 127.0.0.1:Port.
type SSHHost struct {
	// Addr is "127.0.0.1:PORT".
	Addr string
	// Port is sshd's port.
	Port int
	// HostKeys are the host's public keys (ed25519, ECDSA and RSA), for
	// known_hosts checks.
	HostKeys []ssh.PublicKey
	// ContainerID identifies the container behind the host.
	ContainerID string

	docker *client.Client
}

// KnownHosts returns the known_hosts lines for the host's keys, one per key
// type, so a client may negotiate any of them.
func (h SSHHost) KnownHosts() string {
	var b strings.Builder
	for _, k := range h.HostKeys {
		fmt.Fprintf(&b, "[127.0.0.1]:%d %s", h.Port, ssh.MarshalAuthorizedKey(k))
	}
	return b.String()
}

// SSHHosts starts n SSH hosts from the SSH host image, each with
// authorizedKey (one authorized_keys line) authorized for root, and waits
// until each sshd answers. They are removed when t ends. When Docker or the
// image is missing, it skips or fails t.
func SSHHosts(t testing.TB, n int, authorizedKey string) []SSHHost {
	t.Helper()
	return SSHHostsWith(t, n, authorizedKey, SSHHostOptions{})
}

// CloudInitImage is the SSH host image with Debian's cloud-init that
// services.sh builds: it runs cloud-init's boot stages on the base64 user
// data in the USER_DATA environment variable before sshd starts.
func CloudInitImage() string {
	return getenv("OPSKIT_SSH_CLOUDINIT_IMAGE", "opskit/sshhost-cloudinit:bookworm-1")
}

// SSHHostOptions varies the hosts SSHHostsWith starts.
type SSHHostOptions struct {
	// Image is the image; default SSHImage().
	Image string
	// Env is added to each container's environment.
	Env []string
}

// SSHHostsWith is SSHHosts with another image or more environment.
func SSHHostsWith(t testing.TB, n int, authorizedKey string, opts SSHHostOptions) []SSHHost {
	t.Helper()
	cli := Docker(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if opts.Image == "" {
		opts.Image = SSHImage()
	}
	if _, err := cli.ImageInspect(ctx, opts.Image); err != nil {
		Unavailable(t, "SSH host image "+opts.Image, err)
	}
	hosts := make([]SSHHost, 0, n)
	for i := 0; i < n; i++ {
		h, err := startSSHHost(ctx, cli, t.Name(), authorizedKey, opts)
		if h.ContainerID != "" {
			id := h.ContainerID
			t.Cleanup(func() {
				_, _ = cli.ContainerRemove(context.Background(), id, client.ContainerRemoveOptions{Force: true})
			})
		}
		if err != nil {
			t.Fatalf("start SSH host %d: %v", i, err)
		}
		hosts = append(hosts, h)
	}
	return hosts
}

func startSSHHost(ctx context.Context, cli *client.Client, testName, authorizedKey string, opts SSHHostOptions) (SSHHost, error) {
	port, err := freePort()
	if err != nil {
		return SSHHost{}, err
	}
	created, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{
		Config: &container.Config{
			Image: opts.Image,
			Env:   append([]string{fmt.Sprintf("SSH_PORT=%d", port), "AUTHORIZED_KEY=" + authorizedKey}, opts.Env...),
			Labels: map[string]string{
				"opskit.testenv":      "sshhost",
				"opskit.testenv.test": testName,
			},
		},
		HostConfig: &container.HostConfig{NetworkMode: "host"},
	})
	if err != nil {
		return SSHHost{}, err
	}
	h := SSHHost{Addr: fmt.Sprintf("127.0.0.1:%d", port), Port: port, ContainerID: created.ID, docker: cli}
	if _, err := cli.ContainerStart(ctx, created.ID, client.ContainerStartOptions{}); err != nil {
		return h, err
	}
	if err := waitForBanner(ctx, h.Addr); err != nil {
		return h, err
	}
	for _, kind := range []string{"ed25519", "ecdsa", "rsa"} {
		path := "/etc/ssh/ssh_host_" + kind + "_key.pub"
		pub, err := h.ReadFile(ctx, path)
		if err != nil {
			return h, fmt.Errorf("read host key %s: %w", path, err)
		}
		key, _, _, _, err := ssh.ParseAuthorizedKey(pub)
		if err != nil {
			return h, fmt.Errorf("parse host key %s: %w", path, err)
		}
		h.HostKeys = append(h.HostKeys, key)
	}
	return h, nil
}

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// waitForBanner dials addr until sshd sends its SSH-2.0 banner.
func waitForBanner(ctx context.Context, addr string) error {
	var lastErr error
	for {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			_ = conn.SetReadDeadline(time.Now().Add(2 * time.Second))
			line, rerr := bufio.NewReader(conn).ReadString('\n')
			conn.Close()
			if rerr == nil && strings.HasPrefix(line, "SSH-2.0-") {
				return nil
			}
			err = fmt.Errorf("banner %q: %v", line, rerr)
		}
		lastErr = err
		select {
		case <-ctx.Done():
			return fmt.Errorf("sshd on %s did not answer: %v", addr, lastErr)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// ReadFile reads one file from the host's filesystem through the Docker API,
// bypassing SSH, so tests can check what a grant really wrote.
func (h SSHHost) ReadFile(ctx context.Context, path string) ([]byte, error) {
	res, err := h.docker.CopyFromContainer(ctx, h.ContainerID, client.CopyFromContainerOptions{SourcePath: path})
	if err != nil {
		return nil, err
	}
	defer res.Content.Close()
	tr := tar.NewReader(res.Content)
	if _, err := tr.Next(); err != nil {
		return nil, err
	}
	return io.ReadAll(tr)
}

// Exec runs argv in the host's container through the Docker API (not SSH)
// and returns its combined output and exit code.
func (h SSHHost) Exec(ctx context.Context, argv ...string) (string, int, error) {
	created, err := h.docker.ExecCreate(ctx, h.ContainerID, client.ExecCreateOptions{
		Cmd: argv, AttachStdout: true, AttachStderr: true,
	})
	if err != nil {
		return "", 0, err
	}
	att, err := h.docker.ExecAttach(ctx, created.ID, client.ExecAttachOptions{})
	if err != nil {
		return "", 0, err
	}
	defer att.Close()
	var out bytes.Buffer
	if _, err := stdcopy.StdCopy(&out, &out, att.Reader); err != nil {
		return out.String(), 0, err
	}
	insp, err := h.docker.ExecInspect(ctx, created.ID, client.ExecInspectOptions{})
	if err != nil {
		return out.String(), 0, err
	}
	return out.String(), insp.ExitCode, nil
}
