package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	awsrds "github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	awssm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/moby/moby/client"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/bus"
	"github.com/opskit-dev/opskit/examples/internal/e2e"
	"github.com/opskit-dev/opskit/internal/testenv"
)

// TestProvisionE2E builds the provision program and runs it as a process:
// the demo on the fakes (plan, apply, apply again with no change, destroy,
// nothing left), configuration errors (exit 2 naming file, line and
// field; a bad team file also names its own line), and a real run against
// moto, the RabbitMQ cluster and the swarm: plan, apply, apply again = no
// changes, destroy, with every resource checked through the services' own
// APIs to exist after apply and to be gone after destroy (the launch
// template carrying exactly access.UserData's output), and neither the
// database password nor a team key ever printed.
func TestProvisionE2E(t *testing.T) {
	bin := e2e.Build(t)

	t.Run("demo", func(t *testing.T) {
		r := e2e.Run(t, 30*time.Second, bin, nil)
		if r.Code != 0 {
			t.Fatalf("exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
		}
		for _, want := range []string{
			"create security group shop-app",
			"authorize rule shop-db: tcp 5432 from shop-app",
			"create rule shop-alb HTTP:80 #10: path-pattern=/api/* -> forward",
			"create group shop-web: min 2, max 10, desired 2",
			"create launch template shop-web: ami-12c6146b t3.small [(new shop-app)] user data ",
			"; access: 3 users of team.yaml (host groups web)",
			"+ policy opskit-shop-web-cpu",
			"create instance shop-db: PostgreSQL 16.3 on db.m6g.large, Multi-AZ, 100 GiB io1, 3000 IOPS",
			"create read replica shop-db-ro of shop-db",
			"create secret shop/db/master: a generated 32-character password",
			"queue shop.orders.2: missing",
			"attach secret shop-db-password to service shop-web at /run/secrets/shop-db-password",
			"3. apply again",
			"apply: no changes",
			"delete instance shop-db (no final snapshot)",
			"nothing was left behind",
		} {
			if !strings.Contains(r.Stdout, want) {
				t.Errorf("demo output lacks %q", want)
			}
		}
		if strings.Contains(r.Stdout, "AAAAC3Nza") {
			t.Error("demo output shows a key of the team file")
		}
		if t.Failed() {
			t.Logf("demo output:\n%s", r.Stdout)
		}
		t.Logf("default run: %s", r.Took)
	})

	t.Run("config error", func(t *testing.T) {
		f := filepath.Join(t.TempDir(), "bad.yaml")
		bad := strings.Replace(string(exampleYAML), "default: shop-web", "default: shop-www", 1)
		bad = strings.Replace(bad, "min: 2", "min: two", 1)
		if err := os.WriteFile(f, []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		r := e2e.Run(t, 30*time.Second, bin, nil, "--config", f, "apply")
		if r.Code != 2 || !strings.Contains(r.Stderr, "bad.yaml:") || !strings.Contains(r.Stderr, "autoscaling.min") {
			t.Fatalf("exit %d (want 2), stderr:\n%s", r.Code, r.Stderr)
		}
		fixed := strings.Replace(bad, "min: two", "min: 2", 1)
		if err := os.WriteFile(f, []byte(fixed), 0o600); err != nil {
			t.Fatal(err)
		}
		r = e2e.Run(t, 30*time.Second, bin, nil, "--config", f, "apply")
		line := 0
		for i, l := range strings.Split(fixed, "\n") {
			if strings.Contains(l, "default: shop-www") {
				line = i + 1
			}
		}
		if want := fmt.Sprintf("bad.yaml:%d: load_balancer.listeners[0].default", line); r.Code != 2 || !strings.Contains(r.Stderr, want) {
			t.Fatalf("exit %d (want 2), stderr lacks %q:\n%s", r.Code, want, r.Stderr)
		}
	})

	t.Run("team file error", func(t *testing.T) { teamFileErrors(t, bin) })

	t.Run("real", func(t *testing.T) { realE2E(t, bin) })
}

// lineOf returns the 1-based line of the first line of text containing s.
func lineOf(t *testing.T, text, s string) int {
	t.Helper()
	for i, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	t.Fatalf("no line contains %q", s)
	return 0
}

// teamFileErrors: the launch template's team file is read relative to the
// configuration file; a mistake in it is a configuration error (exit 2,
// nothing changed) naming the configuration's file, line and field and
// the team file's own file and line; an unknown host group names its
// field.
func teamFileErrors(t *testing.T, bin string) {
	dir := t.TempDir()
	f := filepath.Join(dir, "service.yaml")
	if err := os.WriteFile(f, exampleYAML, 0o600); err != nil {
		t.Fatal(err)
	}
	r := e2e.Run(t, 30*time.Second, bin, nil, "--example-team")
	if r.Code != 0 || r.Stdout != string(exampleTeam) {
		t.Fatalf("--example-team: exit %d, output is not team.yaml:\n%s", r.Code, r.Stdout)
	}
	bad := strings.Replace(r.Stdout, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMySAbk", "ssh-ed25519 not-base64!", 1)
	if err := os.WriteFile(filepath.Join(dir, "team.yaml"), []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	r = e2e.Run(t, 30*time.Second, bin, nil, "--config", f, "plan")
	want := fmt.Sprintf("service.yaml:%d: autoscaling.launch_template.access.team_file: ", lineOf(t, string(exampleYAML), "access: {team_file"))
	wantTeam := fmt.Sprintf("team.yaml:%d: ", lineOf(t, bad, "not-base64!"))
	if r.Code != 2 || !strings.Contains(r.Stderr, want) || !strings.Contains(r.Stderr, wantTeam) {
		t.Fatalf("exit %d (want 2), stderr lacks %q or %q:\n%s", r.Code, want, wantTeam, r.Stderr)
	}

	if err := os.WriteFile(filepath.Join(dir, "team.yaml"), exampleTeam, 0o600); err != nil {
		t.Fatal(err)
	}
	other := strings.Replace(string(exampleYAML), "host_groups: [web]", "host_groups: [web, www]", 1)
	if err := os.WriteFile(f, []byte(other), 0o600); err != nil {
		t.Fatal(err)
	}
	r = e2e.Run(t, 30*time.Second, bin, nil, "--config", f, "plan")
	want = fmt.Sprintf("service.yaml:%d: autoscaling.launch_template.access.host_groups[1]: host group \"www\" is not in team.yaml", lineOf(t, other, "access: {team_file"))
	if r.Code != 2 || !strings.Contains(r.Stderr, want) {
		t.Fatalf("exit %d (want 2), stderr lacks %q:\n%s", r.Code, want, r.Stderr)
	}
}

func realE2E(t *testing.T, bin string) {
	cfg := testenv.PrivateMoto(t) // RDS instances disturb the shared emulator
	rmq := testenv.RabbitMQ(t)
	docker := testenv.Docker(t)
	image := testenv.GoImage(t, docker, "../../scaling/swarm/testdata/worker", "scaling-worker")
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()

	sfx := fmt.Sprint(time.Now().UnixNano() % 1e6)
	yaml := strings.NewReplacer("registry.example.com/shop/web:1.4.2", image, "registry.example.com/shop/worker:1.4.2", image).Replace(string(exampleYAML))
	yaml = strings.ReplaceAll(yaml, "shop", "e2e"+sfx)
	// shop-web runs one idle task (its secrets mounted), shop-worker none.
	yaml = strings.ReplaceAll(yaml, "      replicas: 1\n", "      replicas: 0\n      args: [idle]\n")
	yaml = strings.ReplaceAll(yaml, "      replicas: 2\n", "      replicas: 1\n      args: [idle]\n")
	dir := t.TempDir()
	f := filepath.Join(dir, "service.yaml")
	if err := os.WriteFile(f, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "team.yaml"), exampleTeam, 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_REGION=us-east-1",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_EC2_METADATA_DISABLED=true"}
	args := []string{"-v", "--config", f, "--aws-endpoint", aws.ToString(cfg.BaseEndpoint), "--rabbitmq-api", rmq.Nodes[0].ManagementURL}
	for _, u := range rmq.AMQPURLs() {
		args = append(args, "--amqp", u)
	}
	svc := "e2e" + sfx
	t.Cleanup(func() { // whatever a failure left
		e2e.Run(t, 2*time.Minute, bin, env, append(args, "destroy")...)
	})
	runIt := func(verb string) e2e.Result {
		t.Helper()
		r := e2e.Run(t, 2*time.Minute, bin, env, append(args, verb)...)
		if r.Code != 0 {
			t.Fatalf("%s: exit %d\n%s\n%s", verb, r.Code, r.Stdout, r.Stderr)
		}
		t.Logf("%s: %s", verb, r.Took)
		return r
	}

	r := runIt("plan")
	if !strings.Contains(r.Stdout, "create security group "+svc+"-app") || !strings.Contains(r.Stdout, "plan: 42 to change") ||
		!strings.Contains(r.Stdout, "; access: 3 users of team.yaml (host groups web)") || strings.Contains(r.Stdout, "AAAAC3Nza") {
		t.Fatalf("plan:\n%s", r.Stdout)
	}
	start := time.Now()
	r = runIt("apply")
	if !strings.Contains(r.Stdout, "apply: 42 changed") {
		t.Fatalf("apply:\n%s", r.Stdout)
	}
	r2 := runIt("apply")
	took := time.Since(start)
	if testing.Verbose() {
		t.Logf("apply:\n%s\napply again:\n%s", r.Stdout, r2.Stdout)
	}
	if !strings.Contains(r2.Stdout, "apply: no changes") {
		t.Fatalf("second apply changed something:\n%s", r2.Stdout)
	}
	t.Logf("real run (apply, apply again): %s", took)

	// Everything exists, made as the file says; the launch template's
	// latest version carries exactly the team's user data.
	tf, err := access.ParseTeamFile(ctx, "team.yaml", exampleTeam, access.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantUD, err := access.UserData(tf, []string{"web"}, access.UserDataOptions{})
	if err != nil {
		t.Fatal(err)
	}
	lt, err := ec2.NewFromConfig(cfg).DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateName: aws.String(svc + "-web"), Versions: []string{"$Latest"}})
	if err != nil || len(lt.LaunchTemplateVersions) != 1 {
		t.Fatalf("launch template %s-web: %v", svc, err)
	}
	gotUD, err := base64.StdEncoding.DecodeString(aws.ToString(lt.LaunchTemplateVersions[0].LaunchTemplateData.UserData))
	if err != nil || !bytes.Equal(gotUD, wantUD) {
		t.Fatalf("launch template %s-web, version %d: user data (%v)\n%s\nwant access.UserData's\n%s", svc, aws.ToInt64(lt.LaunchTemplateVersions[0].VersionNumber), err, gotUD, wantUD)
	}
	sm := awssm.NewFromConfig(cfg)
	pw, err := sm.GetSecretValue(ctx, &awssm.GetSecretValueInput{SecretId: aws.String(svc + "/db/master")})
	if err != nil {
		t.Fatalf("password secret: %v", err)
	}
	printed := r.Stdout + r.Stderr + r2.Stdout + r2.Stderr
	if p := aws.ToString(pw.SecretString); len(p) != 32 || strings.Contains(printed, p) {
		t.Fatalf("password: %d characters, or printed (with -v)", len(p))
	}
	if strings.Contains(printed, ":"+rmq.Password+"@") {
		t.Fatal("the AMQP URL's password was printed (with -v)")
	}
	rc := awsrds.NewFromConfig(cfg)
	for _, id := range []string{svc + "-db", svc + "-db-ro"} {
		out, err := rc.DescribeDBInstances(ctx, &awsrds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(id)})
		if err != nil {
			t.Fatalf("instance %s: %v", id, err)
		}
		if id == svc+"-db" {
			i := out.DBInstances[0]
			if !aws.ToBool(i.MultiAZ) || aws.ToInt32(i.Iops) != 3000 || aws.ToString(i.StorageType) != "io1" {
				t.Errorf("instance %s: multi-AZ %v, %s, %d IOPS", id, aws.ToBool(i.MultiAZ), aws.ToString(i.StorageType), aws.ToInt32(i.Iops))
			}
		}
	}
	lbs, err := elbv2.NewFromConfig(cfg).DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{Names: []string{svc + "-alb"}})
	if err != nil || len(lbs.LoadBalancers) != 1 {
		t.Fatalf("load balancer: %v", err)
	}
	asg := autoscaling.NewFromConfig(cfg)
	groups, err := asg.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{svc + "-web"}})
	if err != nil || len(groups.AutoScalingGroups) != 1 || len(groups.AutoScalingGroups[0].TargetGroupARNs) != 2 {
		t.Fatalf("group: %+v, %v (want 2 target groups attached)", groups, err)
	}
	m := &bus.Management{URLs: []string{rmq.Nodes[0].ManagementURL}, User: rmq.User, Password: rmq.Password}
	for _, q := range []string{svc + ".audit", svc + ".orders.0", svc + ".orders.2"} {
		if _, err := m.Queue(ctx, q); err != nil {
			t.Fatalf("queue %s: %v", q, err)
		}
	}
	res, err := docker.ServiceInspect(ctx, svc+"-web", client.ServiceInspectOptions{})
	if err != nil {
		t.Fatalf("swarm service: %v", err)
	}
	if cs := res.Service.Spec.TaskTemplate.ContainerSpec; len(cs.Secrets) != 2 || cs.Image != image {
		t.Fatalf("swarm service %s: image %s, %d secrets; want %s and 2", svc+"-web", cs.Image, len(cs.Secrets), image)
	}

	r = runIt("destroy")
	if !strings.Contains(r.Stdout, "delete instance "+svc+"-db (no final snapshot)") {
		t.Fatalf("destroy:\n%s", r.Stdout)
	}
	// Everything is gone.
	if _, err := rc.DescribeDBInstances(ctx, &awsrds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(svc + "-db")}); !errors.As(err, new(*rdstypes.DBInstanceNotFoundFault)) {
		t.Errorf("instance after destroy: %v", err)
	}
	if _, err := sm.GetSecretValue(ctx, &awssm.GetSecretValueInput{SecretId: aws.String(svc + "/db/master")}); err == nil {
		t.Error("password secret still there after destroy")
	}
	if _, err := elbv2.NewFromConfig(cfg).DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{Names: []string{svc + "-alb"}}); err == nil {
		t.Error("load balancer still there after destroy")
	}
	if g, err := asg.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{svc + "-web"}}); err != nil || len(g.AutoScalingGroups) != 0 {
		t.Errorf("group after destroy: %v", err)
	}
	sgs, err := ec2.NewFromConfig(cfg).DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{{Name: aws.String("group-name"), Values: []string{svc + "-lb", svc + "-app", svc + "-db"}}}})
	if err != nil || len(sgs.SecurityGroups) != 0 {
		t.Errorf("security groups after destroy: %d, %v", len(sgs.SecurityGroups), err)
	}
	if _, err := m.Queue(ctx, svc+".orders.0"); !errors.Is(err, bus.ErrNotFound) {
		t.Errorf("queue after destroy: %v", err)
	}
	if _, err := docker.ServiceInspect(ctx, svc+"-web", client.ServiceInspectOptions{}); err == nil {
		t.Error("swarm service still there after destroy")
	}
	secs, err := docker.SecretList(ctx, client.SecretListOptions{Filters: client.Filters{}.Add("label", "opskit.secret="+svc+"-db-password")})
	if err != nil || len(secs.Items) != 0 {
		t.Errorf("swarm secrets after destroy: %d, %v", len(secs.Items), err)
	}
	r = runIt("plan")
	if !strings.Contains(r.Stdout, "plan: 42 to change") {
		t.Fatalf("plan after destroy:\n%s", r.Stdout)
	}
}
