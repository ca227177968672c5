package awsec2fake

import (
	"context"
	"encoding/base64"
	"slices"
	"sort"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func (e *EC2) template(name string) (*template, error) {
	t := e.templates[name]
	if t == nil {
		return nil, apiError("InvalidLaunchTemplateName.NotFoundException", "The specified launch template, with template name %s, does not exist.", name)
	}
	return t, nil
}

// DescribeLaunchTemplates lists templates, or the named ones.
func (e *EC2) DescribeLaunchTemplates(_ context.Context, in *ec2.DescribeLaunchTemplatesInput, _ ...func(*ec2.Options)) (*ec2.DescribeLaunchTemplatesOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	names := in.LaunchTemplateNames
	if len(names) == 0 {
		for n := range e.templates {
			names = append(names, n)
		}
		sort.Strings(names)
	}
	out := &ec2.DescribeLaunchTemplatesOutput{}
	for _, n := range names {
		t, err := e.template(n)
		if err != nil {
			return nil, err
		}
		v := int64(len(t.versions))
		out.LaunchTemplates = append(out.LaunchTemplates, types.LaunchTemplate{LaunchTemplateId: aws.String(t.id), LaunchTemplateName: aws.String(n),
			LatestVersionNumber: aws.Int64(v), DefaultVersionNumber: aws.Int64(1)})
	}
	return out, nil
}

// DescribeLaunchTemplateVersions returns versions of one template by
// number, $Latest or $Default (all when none is named).
func (e *EC2) DescribeLaunchTemplateVersions(_ context.Context, in *ec2.DescribeLaunchTemplateVersionsInput, _ ...func(*ec2.Options)) (*ec2.DescribeLaunchTemplateVersionsOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	name := aws.ToString(in.LaunchTemplateName)
	t, err := e.template(name)
	if err != nil {
		return nil, err
	}
	var nums []int
	for _, v := range in.Versions {
		switch v {
		case "$Latest":
			nums = append(nums, len(t.versions))
		case "$Default":
			nums = append(nums, 1)
		default:
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > len(t.versions) {
				return nil, apiError("InvalidLaunchTemplateVersion.NotFound", "version %s of %s does not exist", v, name)
			}
			nums = append(nums, n)
		}
	}
	if len(in.Versions) == 0 {
		for i := range t.versions {
			nums = append(nums, i+1)
		}
	}
	out := &ec2.DescribeLaunchTemplateVersionsOutput{}
	for _, n := range nums {
		d := t.versions[n-1]
		out.LaunchTemplateVersions = append(out.LaunchTemplateVersions, types.LaunchTemplateVersion{
			LaunchTemplateId: aws.String(t.id), LaunchTemplateName: aws.String(name), VersionNumber: aws.Int64(int64(n)), DefaultVersion: aws.Bool(n == 1),
			LaunchTemplateData: &types.ResponseLaunchTemplateData{ImageId: d.ImageId, InstanceType: d.InstanceType, SecurityGroupIds: d.SecurityGroupIds, UserData: d.UserData}})
	}
	return out, nil
}

// maxUserData is EC2's limit on decoded user data.
const maxUserData = 16384

// checkData checks a version's data as EC2 does and returns the copy the
// fake keeps (the caller's input may change after the call).
func (e *EC2) checkData(d *types.RequestLaunchTemplateData) (*types.RequestLaunchTemplateData, error) {
	if d == nil {
		return nil, apiError("MissingParameter", "LaunchTemplateData is required")
	}
	if d.UserData != nil {
		raw, err := base64.StdEncoding.DecodeString(*d.UserData)
		if err != nil {
			return nil, apiError("InvalidUserData.Malformed", "Invalid BASE64 encoding of user data.")
		}
		if len(raw) > maxUserData {
			return nil, apiError("InvalidUserData.Malformed", "User data is limited to %d bytes.", maxUserData)
		}
	}
	for _, g := range d.SecurityGroupIds {
		if e.groups[g] == nil {
			return nil, apiError("InvalidGroupId.NotFound", "The security group '%s' does not exist", g)
		}
	}
	return &types.RequestLaunchTemplateData{ImageId: d.ImageId, InstanceType: d.InstanceType, SecurityGroupIds: slices.Clone(d.SecurityGroupIds), UserData: d.UserData}, nil
}

// CreateLaunchTemplate creates a template with its first version.
func (e *EC2) CreateLaunchTemplate(_ context.Context, in *ec2.CreateLaunchTemplateInput, _ ...func(*ec2.Options)) (*ec2.CreateLaunchTemplateOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	name := aws.ToString(in.LaunchTemplateName)
	if e.templates[name] != nil {
		return nil, apiError("InvalidLaunchTemplateName.AlreadyExistsException", "Launch template name already in use.")
	}
	d, err := e.checkData(in.LaunchTemplateData)
	if err != nil {
		return nil, err
	}
	t := &template{id: e.id("lt"), versions: []*types.RequestLaunchTemplateData{d}}
	e.templates[name] = t
	return &ec2.CreateLaunchTemplateOutput{LaunchTemplate: &types.LaunchTemplate{LaunchTemplateId: aws.String(t.id), LaunchTemplateName: aws.String(name), LatestVersionNumber: aws.Int64(1)}}, nil
}

// CreateLaunchTemplateVersion adds a version.
func (e *EC2) CreateLaunchTemplateVersion(_ context.Context, in *ec2.CreateLaunchTemplateVersionInput, _ ...func(*ec2.Options)) (*ec2.CreateLaunchTemplateVersionOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	t, err := e.template(aws.ToString(in.LaunchTemplateName))
	if err != nil {
		return nil, err
	}
	d, err := e.checkData(in.LaunchTemplateData)
	if err != nil {
		return nil, err
	}
	t.versions = append(t.versions, d)
	return &ec2.CreateLaunchTemplateVersionOutput{LaunchTemplateVersion: &types.LaunchTemplateVersion{VersionNumber: aws.Int64(int64(len(t.versions)))}}, nil
}

// DeleteLaunchTemplate deletes a template with its versions.
func (e *EC2) DeleteLaunchTemplate(_ context.Context, in *ec2.DeleteLaunchTemplateInput, _ ...func(*ec2.Options)) (*ec2.DeleteLaunchTemplateOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	name := aws.ToString(in.LaunchTemplateName)
	if _, err := e.template(name); err != nil {
		return nil, err
	}
	delete(e.templates, name)
	return &ec2.DeleteLaunchTemplateOutput{}, nil
}
