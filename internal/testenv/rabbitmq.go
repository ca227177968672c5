package testenv

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// RabbitNode is one node of the local RabbitMQ cluster.
type RabbitNode struct {
	// Name is the Erlang node name, for rabbitmqctl -n.
	Name string
	// AMQPURL is the node's AMQP 0-9-1 URL on loopback.
	AMQPURL string
	// ManagementURL is the base URL of the node's management API.
	ManagementURL string
}

// RabbitCluster is the local 3-node RabbitMQ cluster.
type RabbitCluster struct {
	Nodes []RabbitNode
	// User and Password are the management API credentials (guest, which
	// RabbitMQ only accepts from loopback).
	User, Password string
}

// RabbitMQEnv returns the cluster's endpoints without checking them.
// OPSKIT_RABBITMQ_URLS (comma-separated AMQP URLs) and
// OPSKIT_RABBITMQ_MGMT_URLS override the defaults, node by node.
func RabbitMQEnv() RabbitCluster {
	amqpURLs := strings.Split(getenv("OPSKIT_RABBITMQ_URLS",
		"amqp://guest:guest@127.0.0.1:5672/,amqp://guest:guest@127.0.0.1:5673/,amqp://guest:guest@127.0.0.1:5674/"), ",")
	mgmtURLs := strings.Split(getenv("OPSKIT_RABBITMQ_MGMT_URLS",
		"http://127.0.0.1:15672,http://127.0.0.1:15673,http://127.0.0.1:15674"), ",")
	names := strings.Split(getenv("OPSKIT_RABBITMQ_NODES",
		"rabbit1@localhost,rabbit2@localhost,rabbit3@localhost"), ",")
	c := RabbitCluster{User: "guest", Password: "guest"}
	for i := range amqpURLs {
		n := RabbitNode{AMQPURL: amqpURLs[i]}
		if i < len(mgmtURLs) {
			n.ManagementURL = mgmtURLs[i]
		}
		if i < len(names) {
			n.Name = names[i]
		}
		c.Nodes = append(c.Nodes, n)
	}
	return c
}

// AMQPURLs returns every node's AMQP URL, in node order.
func (c RabbitCluster) AMQPURLs() []string {
	urls := make([]string, len(c.Nodes))
	for i, n := range c.Nodes {
		urls[i] = n.AMQPURL
	}
	return urls
}

// RabbitMQ returns the cluster after checking that every node accepts an
// AMQP connection and that the management API lists them all as running in
// one cluster; otherwise it skips or fails t.
func RabbitMQ(t testing.TB) RabbitCluster {
	t.Helper()
	c := RabbitMQEnv()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := c.check(ctx); err != nil {
		Unavailable(t, "RabbitMQ cluster (127.0.0.1:5672-5674)", err)
	}
	return c
}

func (c RabbitCluster) check(ctx context.Context) error {
	for _, n := range c.Nodes {
		conn, err := amqp.DialConfig(n.AMQPURL, amqp.Config{Dial: amqp.DefaultDial(5 * time.Second)})
		if err != nil {
			return fmt.Errorf("node %s: %w", n.Name, err)
		}
		_ = conn.Close()
	}
	running, err := c.RunningNodes(ctx)
	if err != nil {
		return err
	}
	if len(running) != len(c.Nodes) {
		return fmt.Errorf("management API lists %d running nodes %v, want %d", len(running), running, len(c.Nodes))
	}
	return nil
}

// RunningNodes asks the first reachable node's management API which cluster
// members are running.
func (c RabbitCluster) RunningNodes(ctx context.Context) ([]string, error) {
	var lastErr error
	for _, n := range c.Nodes {
		var nodes []struct {
			Name    string `json:"name"`
			Running bool   `json:"running"`
		}
		if err := c.getJSON(ctx, n.ManagementURL+"/api/nodes", &nodes); err != nil {
			lastErr = err
			continue
		}
		var running []string
		for _, m := range nodes {
			if m.Running {
				running = append(running, m.Name)
			}
		}
		return running, nil
	}
	return nil, lastErr
}

func (c RabbitCluster) getJSON(ctx context.Context, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.SetBasicAuth(c.User, c.Password)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// Ctl runs rabbitmqctl against node with args, as the rabbitmq user so the
// Erlang cookie is found. Arguments are passed as argv, never through a shell.
// Tests use it to stop and start a node's app or change its memory watermark.
func (c RabbitCluster) Ctl(ctx context.Context, node string, args ...string) (string, error) {
	argv := append([]string{"-u", "rabbitmq", "--", "env", "HOME=/var/lib/rabbitmq",
		"/usr/lib/rabbitmq/bin/rabbitmqctl", "-n", node}, args...)
	out, err := exec.CommandContext(ctx, "runuser", argv...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("rabbitmqctl -n %s %s: %w: %s", node, strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return string(out), nil
}
