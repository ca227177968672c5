package awsec2_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"

	"github.com/opskit-dev/opskit/scaling/awsec2"
	"github.com/opskit-dev/opskit/scaling/awsec2/awsec2fake"
)

// countingAPI counts the calls that make launch templates or versions.
type countingAPI struct {
	awsec2.API
	writes int
}

func (c *countingAPI) CreateLaunchTemplate(ctx context.Context, in *ec2.CreateLaunchTemplateInput, o ...func(*ec2.Options)) (*ec2.CreateLaunchTemplateOutput, error) {
	c.writes++
	return c.API.CreateLaunchTemplate(ctx, in, o...)
}

func (c *countingAPI) CreateLaunchTemplateVersion(ctx context.Context, in *ec2.CreateLaunchTemplateVersionInput, o ...func(*ec2.Options)) (*ec2.CreateLaunchTemplateVersionOutput, error) {
	c.writes++
	return c.API.CreateLaunchTemplateVersion(ctx, in, o...)
}

// versionUserData returns a version's user data, decoded, as
// DescribeLaunchTemplateVersions returns it.
func versionUserData(t *testing.T, ctx context.Context, api awsec2.API, name, version string) []byte {
	t.Helper()
	out, err := api.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateName: aws.String(name), Versions: []string{version}})
	if err != nil || len(out.LaunchTemplateVersions) != 1 {
		t.Fatalf("DescribeLaunchTemplateVersions %s %s: %v", name, version, err)
	}
	b64 := aws.ToString(out.LaunchTemplateVersions[0].LaunchTemplateData.UserData)
	data, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatalf("%s %s: user data %q is not base64: %v", name, version, b64, err)
	}
	return data
}

// testUserData: a template made with user data carries it (base64 on the
// wire, the same bytes back from DescribeLaunchTemplateVersions); an
// unchanged spec makes no call; changed user data adds a version, as does
// removing it; plans show a summary, never the content; a template whose
// user data is not base64 is InvalidUserData.Malformed.
func testUserData(t *testing.T, api awsec2.API) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := &countingAPI{API: api}
	p := awsec2.NewProvisioner(c)
	name := fmt.Sprintf("ud-%d", time.Now().UnixNano()%1e9)
	secret := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGr5d5Ad6aAOlR3r6Q0iU3Q+pNwV0ERj0j3vS8Jw3WcX alice@laptop"
	first := []byte("#cloud-config\nusers:\n  - name: alice\n    ssh_authorized_keys: [\"" + secret + "\"]\n")
	lt := awsec2.LaunchTemplateSpec{Name: name, ImageID: "ami-12c6146b", InstanceType: "t3.micro", UserData: first}
	t.Cleanup(func() { _, _ = p.DeleteTemplate(context.Background(), name) })

	ch, err := p.ApplyTemplate(ctx, lt, nil)
	if err != nil || len(ch) != 1 || ch[0].Op != "create" {
		t.Fatalf("create with user data: %v, %v", ch, err)
	}
	if !strings.Contains(ch[0].Detail, awsec2.UserDataSummary(first)) || strings.Contains(ch[0].String(), "AAAAC3") {
		t.Errorf("create: %q, want the summary %q and no key", ch[0], awsec2.UserDataSummary(first))
	}
	if got := versionUserData(t, ctx, api, name, "$Latest"); string(got) != string(first) {
		t.Fatalf("user data after create: %q, want %q", got, first)
	}

	writes := c.writes
	if ch, err := p.ApplyTemplate(ctx, lt, nil); err != nil || len(ch) != 0 || c.writes != writes {
		t.Fatalf("apply unchanged: %v, %v, %d calls (want none)", ch, err, c.writes-writes)
	}

	second := append([]byte(nil), first...)
	second = append(second, "  - name: bob\n"...)
	lt.UserData = second
	ch, err = p.ApplyTemplate(ctx, lt, nil)
	if err != nil || len(ch) != 1 || ch[0].Op != "new version" {
		t.Fatalf("changed user data: %v, %v", ch, err)
	}
	if want := awsec2.UserDataSummary(first) + " -> "; !strings.Contains(ch[0].Detail, want) || !strings.HasSuffix(ch[0].Detail, awsec2.UserDataSummary(second)) {
		t.Errorf("new version: %q, want old and new summaries", ch[0].Detail)
	}
	if got := versionUserData(t, ctx, api, name, "$Latest"); string(got) != string(second) {
		t.Fatalf("latest after change: %q, want %q", got, second)
	}
	if got := versionUserData(t, ctx, api, name, "1"); string(got) != string(first) {
		t.Fatalf("version 1 after change: %q, want the first user data", got)
	}
	if ch, err := p.PlanTemplate(ctx, lt, nil); err != nil || len(ch) != 0 {
		t.Fatalf("plan after change: %v, %v", ch, err)
	}

	lt.UserData = nil
	if ch, err := p.ApplyTemplate(ctx, lt, nil); err != nil || len(ch) != 1 || ch[0].Op != "new version" {
		t.Fatalf("user data removed: %v, %v", ch, err)
	}
	if got := versionUserData(t, ctx, api, name, "$Latest"); len(got) != 0 {
		t.Fatalf("latest after removing user data: %q", got)
	}

	// moto checks the encoding on CreateLaunchTemplate only (EC2 on new
	// versions too), so the case runs there.
	_, err = api.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String(name + "-bad"),
		LaunchTemplateData: &types.RequestLaunchTemplateData{ImageId: aws.String("ami-12c6146b"), UserData: aws.String("#cloud-config not base64")}})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidUserData.Malformed" {
		_, _ = api.DeleteLaunchTemplate(ctx, &ec2.DeleteLaunchTemplateInput{LaunchTemplateName: aws.String(name + "-bad")})
		t.Errorf("user data not base64: %v, want InvalidUserData.Malformed", err)
	}
}

// TestUserDataLimit: EC2 takes at most 16384 bytes of user data before
// base64. Validate refuses more before any call (a nil API would panic),
// and the fake answers more as EC2 does, with InvalidUserData.Malformed
// (moto does not check the size).
func TestUserDataLimit(t *testing.T) {
	lt := awsec2.LaunchTemplateSpec{Name: "big", ImageID: "ami-12c6146b", InstanceType: "t3.micro", UserData: make([]byte, awsec2.MaxUserDataSize)}
	if err := lt.Validate(); err != nil {
		t.Fatalf("exactly %d bytes: %v", awsec2.MaxUserDataSize, err)
	}
	lt.UserData = make([]byte, awsec2.MaxUserDataSize+1)
	_, err := awsec2.NewProvisioner(nil).PlanTemplate(context.Background(), lt, nil)
	var ie *awsec2.InvalidError
	if !errors.As(err, &ie) || ie.Field != "UserData" || !errors.Is(err, awsec2.ErrInvalid) || !strings.Contains(err.Error(), "16385 bytes") {
		t.Fatalf("%d bytes: %v, want an InvalidError on UserData", len(lt.UserData), err)
	}

	fake := awsec2fake.New()
	ctx := context.Background()
	for _, tc := range []struct {
		size int
		ok   bool
	}{{awsec2.MaxUserDataSize, true}, {awsec2.MaxUserDataSize + 1, false}} {
		_, err := fake.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String(fmt.Sprint("lt-", tc.size)),
			LaunchTemplateData: &types.RequestLaunchTemplateData{ImageId: aws.String("ami-12c6146b"), UserData: aws.String(base64.StdEncoding.EncodeToString(make([]byte, tc.size)))}})
		var ae smithy.APIError
		if tc.ok && err != nil || !tc.ok && (!errors.As(err, &ae) || ae.ErrorCode() != "InvalidUserData.Malformed") {
			t.Errorf("fake, %d bytes: %v", tc.size, err)
		}
	}
}
