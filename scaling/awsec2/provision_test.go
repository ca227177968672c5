package awsec2_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/scaling/awsec2"
	"github.com/opskit-dev/opskit/scaling/awsec2/awsec2fake"
)

// TestProvisioner runs the same cases on the fake and on moto: groups
// that reference each other are created, a second apply changes nothing,
// a changed rule set is revoked and authorized, launch templates get a
// new version on a change, and Delete removes everything; launch template
// user data goes out base64 and comes back the same, and is compared in
// plans (see testUserData).
func TestProvisioner(t *testing.T) {
	t.Run("fake", func(t *testing.T) {
		api := awsec2fake.New()
		testProvisioner(t, api)
		testUserData(t, api)
	})
	t.Run("moto", func(t *testing.T) {
		api := ec2.NewFromConfig(testenv.AWS(t))
		testProvisioner(t, api)
		testUserData(t, api)
	})
}

func testProvisioner(t *testing.T, api awsec2.API) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	p := awsec2.NewProvisioner(api)
	vpc, subnets, err := awsec2.ResolveNetwork(ctx, api, awsec2.Network{VPC: awsec2.DefaultVPC})
	if err != nil {
		t.Fatal(err)
	}
	if len(subnets) < 2 {
		t.Fatalf("default VPC %s: subnets %v, want one per zone (at least 2)", vpc, subnets)
	}
	sfx := fmt.Sprint(time.Now().UnixNano() % 1e9)
	lb, app := "lb-"+sfx, "app-"+sfx
	specs := []awsec2.SecurityGroupSpec{
		{Name: lb, Ingress: []awsec2.Rule{{Protocol: "tcp", FromPort: 80, CIDRs: []string{"0.0.0.0/0"}}, {Protocol: "tcp", FromPort: 443, CIDRs: []string{"0.0.0.0/0"}}}},
		{Name: app, Ingress: []awsec2.Rule{{Protocol: "tcp", FromPort: 8080, Groups: []string{lb}}, {Protocol: "tcp", FromPort: 22, CIDRs: []string{"10.0.0.0/8"}}}},
	}
	pl, err := p.ApplyGroups(ctx, vpc, specs...)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(pl.Changes); n != 6 {
		t.Errorf("first apply: %d changes, want 6 (2 groups, 4 rules): %v", n, pl.Changes)
	}
	if !strings.Contains(fmt.Sprint(pl.Changes), "tcp 8080 from "+lb) {
		t.Errorf("a rule from a group is shown by the group's name: %v", pl.Changes)
	}
	again, err := p.PlanGroups(ctx, vpc, specs...)
	if err != nil || !again.Empty() {
		t.Fatalf("plan after apply: %v, %v (want no change)", again.Changes, err)
	}
	specs[1].Ingress = specs[1].Ingress[:1]
	specs[0].Ingress[1].FromPort = 8443
	pl, err = p.ApplyGroups(ctx, vpc, specs...)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(pl.Changes)
	for _, want := range []string{"revoke rule " + app + ": tcp 22 from 10.0.0.0/8", "authorize rule " + lb + ": tcp 8443 from 0.0.0.0/0", "revoke rule " + lb + ": tcp 443 from 0.0.0.0/0"} {
		if !strings.Contains(got, want) {
			t.Errorf("changed rules: %s lacks %q", got, want)
		}
	}
	if again, err := p.PlanGroups(ctx, vpc, specs...); err != nil || !again.Empty() {
		t.Fatalf("plan after change: %v, %v", again.Changes, err)
	}

	lt := awsec2.LaunchTemplateSpec{Name: "lt-" + sfx, ImageID: "ami-12c6146b", InstanceType: "t3.micro", SecurityGroups: []string{app}}
	if ch, err := p.ApplyTemplate(ctx, lt, pl.IDs()); err != nil || len(ch) != 1 || ch[0].Op != "create" {
		t.Fatalf("create template: %v, %v", ch, err)
	}
	if ch, err := p.PlanTemplate(ctx, lt, pl.IDs()); err != nil || len(ch) != 0 {
		t.Fatalf("template plan after apply: %v, %v", ch, err)
	}
	lt.InstanceType = "t3.small"
	if ch, err := p.ApplyTemplate(ctx, lt, pl.IDs()); err != nil || len(ch) != 1 || ch[0].Op != "new version" {
		t.Fatalf("changed template: %v, %v", ch, err)
	}
	if ch, err := p.DeleteTemplate(ctx, lt.Name); err != nil || len(ch) != 1 {
		t.Fatalf("delete template: %v, %v", ch, err)
	}
	if ch, err := p.PlanTemplate(ctx, lt, pl.IDs()); err != nil || len(ch) != 1 || ch[0].Op != "create" {
		t.Fatalf("template after delete: %v, %v", ch, err)
	}

	if _, err := p.DeleteGroups(ctx, vpc, lb, app); err != nil {
		t.Fatal(err)
	}
	pl, err = p.PlanGroups(ctx, vpc, specs...)
	if err != nil || len(pl.IDs()) != 0 {
		t.Fatalf("after delete: groups %v, %v", pl.IDs(), err)
	}
	if ch, err := p.DeleteGroups(ctx, vpc, lb, app); err != nil || len(ch) != 0 {
		t.Fatalf("second delete: %v, %v (want nothing to do)", ch, err)
	}
}

// TestValidate refuses bad specs before any call (a nil API would panic).
func TestValidate(t *testing.T) {
	p := awsec2.NewProvisioner(nil)
	for _, tc := range []struct {
		spec  awsec2.SecurityGroupSpec
		field string
	}{
		{awsec2.SecurityGroupSpec{Name: "sg-x"}, "Name"},
		{awsec2.SecurityGroupSpec{Name: "a", Ingress: []awsec2.Rule{{Protocol: "tcp", FromPort: 80}}}, "CIDRs"},
		{awsec2.SecurityGroupSpec{Name: "a", Ingress: []awsec2.Rule{{Protocol: "tcp", FromPort: 80, CIDRs: []string{"10.0.0.1/8"}}}}, "CIDRs"},
		{awsec2.SecurityGroupSpec{Name: "a", Ingress: []awsec2.Rule{{Protocol: "tcp", FromPort: 80, Groups: []string{"nope"}}}}, "Groups"},
		{awsec2.SecurityGroupSpec{Name: "a", Ingress: []awsec2.Rule{{Protocol: "gre", CIDRs: []string{"0.0.0.0/0"}}}}, "Protocol"},
		{awsec2.SecurityGroupSpec{Name: "a", Ingress: []awsec2.Rule{{Protocol: "tcp", FromPort: 90, ToPort: 80, CIDRs: []string{"0.0.0.0/0"}}}}, "FromPort"},
	} {
		_, err := p.PlanGroups(context.Background(), "vpc-1", tc.spec)
		var ie *awsec2.InvalidError
		if !errors.As(err, &ie) || ie.Field != tc.field || !errors.Is(err, awsec2.ErrInvalid) {
			t.Errorf("%+v: %v, want an InvalidError on %s", tc.spec, err, tc.field)
		}
	}
}
