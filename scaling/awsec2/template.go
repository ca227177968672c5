package awsec2

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// LaunchTemplateSpec is a launch template as code: what its latest version
// launches. A change adds a version (groups that use $Latest take it on
// their next launch).
type LaunchTemplateSpec struct {
	// Name is the template's name.
	Name string
	// ImageID is the AMI, e.g. ami-12c6146b.
	ImageID string
	// InstanceType is e.g. t3.small.
	InstanceType string
	// SecurityGroups are group IDs, or names resolved through the IDs
	// passed with the spec.
	SecurityGroups []string
	// UserData is what instances get as user data (such as a
	// #cloud-config), raw: it is base64-encoded on the wire, and at most
	// MaxUserDataSize bytes. Plans compare it by its SHA-256 and never
	// show it; empty means none.
	UserData []byte
}

// MaxUserDataSize is EC2's limit on a launch template's user data, in
// bytes before base64: 16 KB.
const MaxUserDataSize = 16 << 10

func ltInput(name string) string { return fmt.Sprintf("launch template %q", name) }

// Validate checks the spec without any call.
func (s LaunchTemplateSpec) Validate() error {
	if s.Name == "" {
		return invalid("launch template", "Name", "empty")
	}
	if len(s.Name) < 3 || len(s.Name) > 128 {
		return invalid(ltInput(s.Name), "Name", "3 to 128 characters")
	}
	if !strings.HasPrefix(s.ImageID, "ami-") {
		return invalid(ltInput(s.Name), "ImageID", "%q is not an AMI ID (ami-...)", s.ImageID)
	}
	if s.InstanceType == "" {
		return invalid(ltInput(s.Name), "InstanceType", "empty")
	}
	if len(s.UserData) > MaxUserDataSize {
		return invalid(ltInput(s.Name), "UserData", "%d bytes, over EC2's limit of %d (before base64)", len(s.UserData), MaxUserDataSize)
	}
	return nil
}

// templateVersion is what the plan compares: image, type, sorted security
// group IDs and a summary of the user data (its size and SHA-256, never
// its content).
func templateVersion(image, typ string, groups []string, userData string) string {
	g := slices.Clone(groups)
	slices.Sort(g)
	v := fmt.Sprintf("%s %s [%s]", image, typ, strings.Join(g, " "))
	if userData != "" {
		v += " " + userData
	}
	return v
}

// UserDataSummary is how plans show and compare user data: its size and
// its SHA-256 in hex ("user data 1532 bytes sha256:2c26b4..."), so a
// plan never prints keys or scripts yet names exactly what it would write
// (sha256sum of the data gives the same digest); empty for none.
func UserDataSummary(data []byte) string {
	if len(data) == 0 {
		return ""
	}
	sum := sha256.Sum256(data)
	return fmt.Sprintf("user data %d bytes sha256:%s", len(data), hex.EncodeToString(sum[:]))
}

// liveUserData summarizes the base64 user data of a live version; data
// that does not decode is shown as such (and so differs from any spec).
func liveUserData(b64 string) string {
	if b64 == "" {
		return ""
	}
	data, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return fmt.Sprintf("user data (%d characters, not base64)", len(b64))
	}
	return UserDataSummary(data)
}

func (s LaunchTemplateSpec) resolve(ids map[string]string) []string {
	out := make([]string, len(s.SecurityGroups))
	for i, g := range s.SecurityGroups {
		out[i] = g
		if id, ok := ids[g]; ok {
			out[i] = id
		} else if !strings.HasPrefix(g, "sg-") {
			out[i] = "(new " + g + ")"
		}
	}
	return out
}

// latest returns the template's latest version as templateVersion says it,
// and false when the template does not exist.
func (p *Provisioner) latest(ctx context.Context, name string) (string, bool, error) {
	out, err := p.api.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateName: aws.String(name), Versions: []string{"$Latest"}})
	if err != nil {
		if isCode(err, "InvalidLaunchTemplateName.NotFoundException", "InvalidLaunchTemplateId.NotFound", "InvalidLaunchTemplateName.NotFound") {
			return "", false, nil
		}
		return "", false, fmt.Errorf("scaling/awsec2: %s: DescribeLaunchTemplateVersions: %w", ltInput(name), err)
	}
	if len(out.LaunchTemplateVersions) == 0 {
		return "", false, nil
	}
	d := out.LaunchTemplateVersions[0].LaunchTemplateData
	if d == nil {
		return "", true, nil
	}
	return templateVersion(aws.ToString(d.ImageId), string(d.InstanceType), d.SecurityGroupIds, liveUserData(aws.ToString(d.UserData))), true, nil
}

// PlanTemplate compares the spec with the live template without changing
// anything; ids resolves group names (a name not there is a group still
// to be made).
func (p *Provisioner) PlanTemplate(ctx context.Context, s LaunchTemplateSpec, ids map[string]string) ([]Change, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	have, exists, err := p.latest(ctx, s.Name)
	if err != nil {
		return nil, err
	}
	want := templateVersion(s.ImageID, s.InstanceType, s.resolve(ids), UserDataSummary(s.UserData))
	switch {
	case !exists:
		return []Change{{Resource: "launch template", Name: s.Name, Op: "create", Detail: want}}, nil
	case have != want:
		return []Change{{Resource: "launch template", Name: s.Name, Op: "new version", Detail: have + " -> " + want}}, nil
	}
	return nil, nil
}

// ApplyTemplate creates the template, or adds a version when the latest
// differs from the spec; it returns what it did.
func (p *Provisioner) ApplyTemplate(ctx context.Context, s LaunchTemplateSpec, ids map[string]string) ([]Change, error) {
	changes, err := p.PlanTemplate(ctx, s, ids)
	if err != nil || len(changes) == 0 {
		return nil, err
	}
	groups := s.resolve(ids)
	for _, g := range groups {
		if strings.HasPrefix(g, "(new ") {
			return nil, invalid(ltInput(s.Name), "SecurityGroups", "group %s does not exist yet", g[5:len(g)-1])
		}
	}
	data := &types.RequestLaunchTemplateData{ImageId: aws.String(s.ImageID), InstanceType: types.InstanceType(s.InstanceType), SecurityGroupIds: groups}
	if len(s.UserData) > 0 {
		data.UserData = aws.String(base64.StdEncoding.EncodeToString(s.UserData))
	}
	if changes[0].Op == "create" {
		_, err = p.api.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String(s.Name), LaunchTemplateData: data})
	} else {
		_, err = p.api.CreateLaunchTemplateVersion(ctx, &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateName: aws.String(s.Name), LaunchTemplateData: data})
	}
	if err != nil {
		return nil, fmt.Errorf("scaling/awsec2: %s: %s: %w", ltInput(s.Name), changes[0].Op, err)
	}
	return changes, nil
}

// DeleteTemplate deletes the template and all its versions, if it exists.
func (p *Provisioner) DeleteTemplate(ctx context.Context, name string) ([]Change, error) {
	_, exists, err := p.latest(ctx, name)
	if err != nil || !exists {
		return nil, err
	}
	if _, err := p.api.DeleteLaunchTemplate(ctx, &ec2.DeleteLaunchTemplateInput{LaunchTemplateName: aws.String(name)}); err != nil {
		return nil, fmt.Errorf("scaling/awsec2: delete %s: %w", ltInput(name), err)
	}
	return []Change{{Resource: "launch template", Name: name, Op: "delete"}}, nil
}
