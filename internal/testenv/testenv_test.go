package testenv

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/jackc/pgx/v5"
	"github.com/moby/moby/client"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// TestPostgresReplica checks that the replica is in recovery and replaying:
// a row written on the primary appears on the replica.
func TestPostgresReplica(t *testing.T) {
	pg := PostgreSQL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	primary, err := pgx.Connect(ctx, pg.PrimaryDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer primary.Close(ctx)
	replica, err := pgx.Connect(ctx, pg.ReplicaDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer replica.Close(ctx)

	var senders int
	if err := primary.QueryRow(ctx, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'").Scan(&senders); err != nil {
		t.Fatal(err)
	}
	if senders < 1 {
		t.Fatalf("primary has %d streaming replicas; want at least 1", senders)
	}
	var status string
	if err := replica.QueryRow(ctx, "SELECT status FROM pg_stat_wal_receiver").Scan(&status); err != nil {
		t.Fatalf("replica WAL receiver: %v", err)
	}
	if status != "streaming" {
		t.Fatalf("replica WAL receiver status %q; want streaming", status)
	}

	if _, err := primary.Exec(ctx, "CREATE TABLE IF NOT EXISTS opskit_testenv_probe (id bigint PRIMARY KEY, at timestamptz)"); err != nil {
		t.Fatal(err)
	}
	marker := time.Now().UnixNano()
	if _, err := primary.Exec(ctx, "INSERT INTO opskit_testenv_probe VALUES ($1, now())", marker); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = primary.Exec(context.Background(), "DELETE FROM opskit_testenv_probe WHERE id = $1", marker)
	})
	for {
		var n int
		err := replica.QueryRow(ctx, "SELECT count(*) FROM opskit_testenv_probe WHERE id = $1", marker).Scan(&n)
		if err == nil && n == 1 {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("row written on the primary never reached the replica (last error %v)", err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// TestRabbitMQCluster checks that all three nodes run in one cluster.
func TestRabbitMQCluster(t *testing.T) {
	c := RabbitMQ(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if len(c.Nodes) != 3 {
		t.Fatalf("cluster has %d nodes configured; want 3", len(c.Nodes))
	}
	// Each node's own management API must see the same three members.
	for _, n := range c.Nodes {
		one := RabbitCluster{Nodes: []RabbitNode{n}, User: c.User, Password: c.Password}
		running, err := one.RunningNodes(ctx)
		if err != nil {
			t.Fatalf("node %s: %v", n.Name, err)
		}
		if len(running) != 3 {
			t.Fatalf("node %s sees running members %v; want 3", n.Name, running)
		}
	}
	out, err := c.Ctl(ctx, c.Nodes[1].Name, "-q", "cluster_status", "--formatter", "json")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range c.Nodes {
		if !strings.Contains(out, n.Name) {
			t.Errorf("cluster_status on %s does not name %s: %s", c.Nodes[1].Name, n.Name, out)
		}
	}
}

// TestDockerSwarm checks that the Docker engine answers and swarm is active
// (Docker itself checks the swarm state).
func TestDockerSwarm(t *testing.T) {
	cli := Docker(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	info, err := cli.Info(ctx, client.InfoOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !info.Info.Swarm.ControlAvailable {
		t.Fatalf("this engine is not a swarm manager")
	}
}

// TestMotoSTS checks that moto answers STS GetCallerIdentity through
// aws-sdk-go-v2.
func TestMotoSTS(t *testing.T) {
	cfg := AWS(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if out.Account == nil || *out.Account == "" {
		t.Fatalf("GetCallerIdentity returned no account")
	}
}

// TestSSHHost starts a host with a fresh key, verifies its host key against
// known_hosts, logs in as root and runs a command.
func TestSSHHost(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	hosts := SSHHosts(t, 2, strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub))))
	for _, h := range hosts {
		khFile := t.TempDir() + "/known_hosts"
		if err := os.WriteFile(khFile, []byte(h.KnownHosts()), 0o600); err != nil {
			t.Fatal(err)
		}
		hostKeyCallback, err := knownhosts.New(khFile)
		if err != nil {
			t.Fatal(err)
		}
		conn, err := ssh.Dial("tcp", h.Addr, &ssh.ClientConfig{
			User:            "root",
			Auth:            []ssh.AuthMethod{ssh.PublicKeys(signer)},
			HostKeyCallback: hostKeyCallback,
			Timeout:         10 * time.Second,
		})
		if err != nil {
			t.Fatalf("ssh to %s: %v", h.Addr, err)
		}
		sess, err := conn.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		out, err := sess.Output("id -u && python3 -c 'print(6*7)'")
		conn.Close()
		if err != nil {
			t.Fatalf("run on %s: %v", h.Addr, err)
		}
		if got := strings.Fields(string(out)); len(got) != 2 || got[0] != "0" || got[1] != "42" {
			t.Fatalf("output on %s = %q; want uid 0 and 42", h.Addr, out)
		}
		// The host's files are also reachable without SSH, for assertions.
		if _, code, err := h.Exec(context.Background(), "test", "-s", "/root/.ssh/authorized_keys"); err != nil || code != 0 {
			t.Fatalf("exec on %s: code %d, %v", h.Addr, code, err)
		}
	}
}

// TestSSHHostStopped stops a host both ways Pause can (the cgroup freezer
// and SIGSTOP to every process) and checks that it stops answering SSH and
// answers again after Unpause.
func TestSSHHostStopped(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, _ := ssh.NewPublicKey(pub)
	signer, _ := ssh.NewSignerFromKey(priv)
	h := SSHHosts(t, 1, strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub))))[0]
	ctx := context.Background()
	// ssh.Dial's Timeout bounds only the TCP connect, and a stopped host's
	// kernel still completes that; the deadline bounds the handshake.
	dial := func(timeout time.Duration) error {
		nc, err := net.DialTimeout("tcp", h.Addr, timeout)
		if err != nil {
			return err
		}
		defer nc.Close()
		_ = nc.SetDeadline(time.Now().Add(timeout))
		c, _, _, err := ssh.NewClientConn(nc, h.Addr, &ssh.ClientConfig{
			User:            "root",
			Auth:            []ssh.AuthMethod{ssh.PublicKeys(signer)},
			HostKeyCallback: ssh.InsecureIgnoreHostKey(), // only liveness is checked here
		})
		if err == nil {
			c.Close()
		}
		return err
	}
	stops := map[string]func() error{
		"freezer": func() error { return h.Pause(ctx) },
		"sigstop": func() error { return h.signalAll(ctx, syscall.SIGSTOP) },
	}
	for name, stop := range stops {
		t.Run(name, func(t *testing.T) {
			if err := stop(); err != nil {
				t.Fatal(err)
			}
			err := dial(time.Second)
			if uerr := h.Unpause(ctx); uerr != nil {
				t.Fatal(uerr)
			}
			if err == nil {
				t.Fatal("a stopped host answered SSH")
			}
			if err := dial(10 * time.Second); err != nil {
				t.Fatalf("after Unpause: %v", err)
			}
		})
	}
}
