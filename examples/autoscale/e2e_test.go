package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/moby/moby/client"
	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/opskit-dev/opskit/examples/internal/e2e"
	"github.com/opskit-dev/opskit/internal/testenv"
)

// TestAutoscaleE2E builds the autoscale program and runs it as a process:
// the demo (scale-out and scale-in on a simulated clock), and against a
// real Swarm service scaled on a real RabbitMQ queue's backlog: a dry run
// changes nothing, a run scales 1 to 3, and once the queue is empty a run
// scales back to 1. No password of the AMQP URL is ever printed.
func TestAutoscaleE2E(t *testing.T) {
	bin := e2e.Build(t)

	t.Run("demo", func(t *testing.T) {
		r := e2e.Run(t, 30*time.Second, bin, nil)
		if r.Code != 0 {
			t.Fatalf("exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
		}
		for _, want := range []string{"workers    2 -> 4   out:", "backlog backlog: backlog per instance", " in: scale in from ", "scale-ins in a simulated hour"} {
			if !strings.Contains(r.Stdout, want) {
				t.Errorf("demo output lacks %q:\n%s", want, r.Stdout)
			}
		}
		t.Logf("default run: %s", r.Took)
		r = e2e.Run(t, 30*time.Second, bin, nil, "--dry-run")
		if r.Code != 0 || !strings.Contains(r.Stdout, "out (dry run, not applied)") || strings.Contains(r.Stdout, "scale in from") {
			t.Fatalf("dry run: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
		}
	})

	t.Run("usage", func(t *testing.T) {
		r := e2e.Run(t, 30*time.Second, bin, nil, "--service", "x")
		if r.Code != 2 || !strings.Contains(r.Stderr, "no policy") {
			t.Fatalf("exit %d (want 2)\n%s", r.Code, r.Stderr)
		}
	})

	t.Run("asg", func(t *testing.T) { asgE2E(t, bin) })

	t.Run("swarm", func(t *testing.T) {
		rmq := testenv.RabbitMQ(t)
		docker := testenv.Docker(t)
		image := testenv.GoImage(t, docker, "../../scaling/swarm/testdata/worker", "scaling-worker")
		queue := fmt.Sprintf("autoscale-e2e-%d", time.Now().UnixNano())
		ch := declareQueue(t, rmq.Nodes[0].AMQPURL, queue)
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		for i := range 250 {
			if err := ch.PublishWithContext(ctx, "", queue, false, false, amqp.Publishing{Body: []byte(fmt.Sprint(i))}); err != nil {
				t.Fatal(err)
			}
		}
		waitReady(t, ctx, rmq, queue, 250)
		id := testenv.SwarmService(t, docker, "autoscale-e2e", image, 1, nil, "idle")
		args := []string{"--service", id, "--min", "1", "--max", "3", "--amqp", rmq.Nodes[0].AMQPURL, "--queue", queue,
			"--rabbitmq-api", rmq.Nodes[0].ManagementURL, "--per-instance", "100", "--warm-up", "0s", "--interval", "1s", "-v"}

		r := e2e.Run(t, time.Minute, bin, nil, append(args, "--rounds", "1", "--dry-run")...)
		if r.Code != 0 || !strings.Contains(r.Stdout, "1 -> 3   out (dry run, not applied)") {
			t.Fatalf("dry run: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
		}
		if n := replicas(t, docker, id); n != 1 {
			t.Fatalf("dry run changed replicas to %d", n)
		}
		r = e2e.Run(t, time.Minute, bin, nil, append(args, "--rounds", "1")...)
		if r.Code != 0 || !strings.Contains(r.Stdout, "1 -> 3   out: scale out from 1 to 3: backlog backlog: backlog") {
			t.Fatalf("scale out: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
		}
		t.Logf("real run, 1 round: %s\n%s", r.Took, r.Stdout)
		if n := replicas(t, docker, id); n != 3 {
			t.Fatalf("replicas %d after scale-out; want 3", n)
		}
		if _, err := ch.QueuePurge(queue, false); err != nil {
			t.Fatal(err)
		}
		// Scale-in waits for starting tasks and the management API's
		// sampling, so give it rounds.
		p := e2e.Start(t, bin, nil, append(args, "--rounds", "100", "--scale-in-window", "0s")...)
		deadline := time.Now().Add(45 * time.Second)
		for replicas(t, docker, id) != 1 && time.Now().Before(deadline) {
			time.Sleep(500 * time.Millisecond)
		}
		p.Signal(15) // SIGTERM: a clean stop
		r = p.Wait(30 * time.Second)
		if r.Code != 0 || !strings.Contains(r.Stdout, "3 -> 1   in: scale in from 3 to 1") || !strings.Contains(r.Stdout, "stopped by terminated") {
			t.Fatalf("scale in: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
		}
		if n := replicas(t, docker, id); n != 1 {
			t.Fatalf("replicas %d after scale-in; want 1", n)
		}
		t.Logf("real run to scale-in and SIGTERM: %s", r.Took)

		// A second service opted in by labels: bounds and policy come from
		// them (dry run, JSON records).
		lid := testenv.SwarmService(t, docker, "autoscale-labels", image, 1,
			map[string]string{"opskit.scaling.min": "1", "opskit.scaling.max": "2", "opskit.scaling.cpu-target": "50"}, "idle")
		lr := e2e.Run(t, time.Minute, bin, nil, "--service", lid, "--labels", "--rounds", "1", "--dry-run", "--json")
		if lr.Code != 0 || !strings.Contains(lr.Stdout, `"msg":"decision"`) || !strings.Contains(lr.Stdout, `"min":1,"max":2`) || !strings.Contains(lr.Stdout, "target-tracking cpu") {
			t.Fatalf("labels: exit %d\n%s\n%s", lr.Code, lr.Stdout, lr.Stderr)
		}
		t.Logf("labels, dry run:\n%s", lr.Stdout)
		for _, out := range []string{r.Stdout, r.Stderr} {
			if strings.Contains(out, rmq.Password+"@") {
				t.Fatalf("the AMQP password was printed:\n%s", out)
			}
		}
	})
}

// waitReady waits until the management API, which samples every few
// seconds, reports n messages ready in queue.
func waitReady(t *testing.T, ctx context.Context, rmq testenv.RabbitCluster, queue string, n int) {
	t.Helper()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, rmq.Nodes[0].ManagementURL+"/api/queues/%2F/"+url.PathEscape(queue), nil)
		req.SetBasicAuth(rmq.User, rmq.Password)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			var q struct {
				Ready *int `json:"messages_ready"`
			}
			err = json.NewDecoder(resp.Body).Decode(&q)
			resp.Body.Close()
			if err == nil && q.Ready != nil && *q.Ready == n {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("management API never reported %d messages in %s: %v", n, queue, err)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// asgE2E scales a real (moto) Auto Scaling group on a RabbitMQ backlog.
func asgE2E(t *testing.T, bin string) {
	cfg := testenv.AWS(t)
	rmq := testenv.RabbitMQ(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	name := fmt.Sprintf("autoscale-e2e-%d", time.Now().UnixNano())
	if _, err := ec2.NewFromConfig(cfg).CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{
		LaunchTemplateName: aws.String(name),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String("ami-12c6146b"), InstanceType: ec2types.InstanceTypeT3Micro},
	}); err != nil {
		t.Fatal(err)
	}
	asg := autoscaling.NewFromConfig(cfg)
	if _, err := asg.CreateAutoScalingGroup(ctx, &autoscaling.CreateAutoScalingGroupInput{
		AutoScalingGroupName: aws.String(name), MinSize: aws.Int32(1), MaxSize: aws.Int32(3), DesiredCapacity: aws.Int32(1),
		AvailabilityZones: []string{"us-east-1a"},
		LaunchTemplate:    &astypes.LaunchTemplateSpecification{LaunchTemplateName: aws.String(name), Version: aws.String("$Latest")},
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = asg.DeleteAutoScalingGroup(context.Background(), &autoscaling.DeleteAutoScalingGroupInput{AutoScalingGroupName: aws.String(name), ForceDelete: aws.Bool(true)})
	})
	ch := declareQueue(t, rmq.Nodes[0].AMQPURL, name)
	for i := range 250 {
		if err := ch.PublishWithContext(ctx, "", name, false, false, amqp.Publishing{Body: []byte(fmt.Sprint(i))}); err != nil {
			t.Fatal(err)
		}
	}
	env := []string{"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_REGION=us-east-1",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_EC2_METADATA_DISABLED=true"}
	// Without --rabbitmq-api the backlog is the ready count, by a passive
	// declare: no waiting for the management API's sampling.
	r := e2e.Run(t, time.Minute, bin, env, "--asg", name, "--aws-endpoint", testenv.AWSEndpoint(),
		"--amqp", rmq.Nodes[0].AMQPURL, "--queue", name, "--per-instance", "100", "--rounds", "1")
	if r.Code != 0 || !strings.Contains(r.Stdout, "1 -> 3   out: scale out from 1 to 3") {
		t.Fatalf("exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	t.Logf("real run on an Auto Scaling group, 1 round: %s\n%s", r.Took, r.Stdout)
	out, err := asg.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{name}})
	if err != nil || len(out.AutoScalingGroups) != 1 || *out.AutoScalingGroups[0].DesiredCapacity != 3 {
		t.Fatalf("group after the run: %v, %v", out, err)
	}
}

func declareQueue(t *testing.T, url, queue string) *amqp.Channel {
	t.Helper()
	conn, err := amqp.Dial(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ch.QueueDeclare(queue, false, true, false, false, nil); err != nil {
		t.Fatal(err)
	}
	return ch
}

func replicas(t *testing.T, docker *client.Client, id string) uint64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := docker.ServiceInspect(ctx, id, client.ServiceInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m := res.Service.Spec.Mode.Replicated; m != nil && m.Replicas != nil {
		return *m.Replicas
	}
	return 0
}
