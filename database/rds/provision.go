package rds

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"
)

// Provisioner creates and converges instances in one region.
type Provisioner struct {
	api  API
	opts ProvisionerOptions
}

// ProvisionerOptions configures a Provisioner. Zero values take the
// defaults shown.
type ProvisionerOptions struct {
	// PollInterval is the waiter's delay between describes (default 15s).
	PollInterval time.Duration
}

// NewProvisioner returns a Provisioner over api (an *rds.Client or an
// rdsfake region).
func NewProvisioner(api API, opts ProvisionerOptions) *Provisioner {
	return &Provisioner{api: api, opts: opts}
}

// Change is one field that differs between the live instance (or parameter
// group) and the spec.
type Change struct {
	Resource, Field, Current, Desired string
	// Immutable changes are ones Apply will not make: RDS cannot make
	// them in place (encryption, a storage shrink, an engine downgrade) or
	// the spec does not allow them (a major version upgrade without
	// AllowMajorVersionUpgrade). Apply reports them and leaves them alone;
	// Note says why.
	Immutable bool
	Note      string
}

func (c Change) String() string {
	s := fmt.Sprintf("%s %s: %s -> %s", c.Resource, c.Field, c.Current, c.Desired)
	if c.Note != "" {
		s += " (" + c.Note + ")"
	}
	return s
}

// Plan is what Apply would do.
type Plan struct {
	// Create is set when the instance (CreateInstance) or the parameter
	// group (CreateParameterGroup) does not exist yet.
	CreateInstance, CreateParameterGroup bool
	Changes                              []Change
}

// Empty reports that the live state already matches the spec.
func (p *Plan) Empty() bool {
	return !p.CreateInstance && !p.CreateParameterGroup && len(p.Changes) == 0
}

// Plan validates spec and compares it with the live instance and parameter
// group without changing anything.
func (p *Provisioner) Plan(ctx context.Context, spec InstanceSpec) (*Plan, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	spec.defaults()
	plan := &Plan{}
	pg, err := p.paramChanges(ctx, spec.ParameterGroup)
	if err != nil {
		return nil, err
	}
	if pg == nil {
		plan.CreateParameterGroup = true
	} else {
		plan.Changes = append(plan.Changes, pg...)
	}
	inst, err := p.Describe(ctx, spec.Identifier)
	switch {
	case errors.As(err, new(*types.DBInstanceNotFoundFault)):
		plan.CreateInstance = true
		return plan, nil
	case err != nil:
		return nil, err
	}
	plan.Changes = append(plan.Changes, instanceChanges(spec, inst)...)
	return plan, nil
}

// Apply converges the instance and its parameter group on spec: it
// creates what is missing and modifies what differs (ApplyImmediately),
// and returns the plan it carried out. Applying an unchanged spec does
// nothing. Immutable differences (see Change) are returned in the plan but
// never sent, so RDS is not asked for what it would refuse. A storage
// increase on gp3, io1 or io2 sends Iops along, as RDS requires; a major
// version upgrade sends AllowMajorVersionUpgrade.
func (p *Provisioner) Apply(ctx context.Context, spec InstanceSpec) (*Plan, error) {
	plan, err := p.Plan(ctx, spec)
	if err != nil {
		return nil, err
	}
	spec.defaults()
	if err := p.ensureParameterGroup(ctx, spec.ParameterGroup, plan.CreateParameterGroup); err != nil {
		return nil, err
	}
	if plan.CreateInstance {
		if _, err := p.api.CreateDBInstance(ctx, createInput(spec)); err != nil {
			return nil, fmt.Errorf("rds: create %s: %w", spec.Identifier, err)
		}
		return plan, nil
	}
	in := &rds.ModifyDBInstanceInput{DBInstanceIdentifier: aws.String(spec.Identifier), ApplyImmediately: aws.Bool(true)}
	modify := false
	for _, c := range plan.Changes {
		if c.Resource != "instance" || c.Immutable {
			continue
		}
		modify = true
		switch c.Field {
		case "DBInstanceClass":
			in.DBInstanceClass = aws.String(spec.Class)
		case "AllocatedStorage":
			in.AllocatedStorage = aws.Int32(spec.AllocatedStorage)
			// RDS wants the IOPS with a storage change of an instance with
			// provisioned IOPS (and refuses them on gp3 below 400 GiB,
			// where the spec has none).
			if spec.IOPS != 0 {
				in.Iops = aws.Int32(spec.IOPS)
			}
		case "StorageType":
			in.StorageType = aws.String(spec.StorageType)
		case "Iops":
			in.Iops = aws.Int32(spec.IOPS)
		case "StorageThroughput":
			in.StorageThroughput = aws.Int32(spec.Throughput)
		case "MultiAZ":
			in.MultiAZ = aws.Bool(spec.MultiAZ)
		case "BackupRetentionPeriod":
			in.BackupRetentionPeriod = aws.Int32(spec.BackupRetentionDays)
		case "DeletionProtection":
			in.DeletionProtection = aws.Bool(spec.DeletionProtection)
		case "IAMDatabaseAuthenticationEnabled":
			in.EnableIAMDatabaseAuthentication = aws.Bool(spec.IAMAuth)
		case "PubliclyAccessible":
			in.PubliclyAccessible = aws.Bool(spec.PubliclyAccessible)
		case "MonitoringInterval", "MonitoringRoleArn":
			in.MonitoringInterval = aws.Int32(spec.MonitoringInterval)
			if spec.MonitoringInterval > 0 {
				in.MonitoringRoleArn = aws.String(spec.MonitoringRoleArn)
			}
		case "Port":
			in.DBPortNumber = aws.Int32(spec.Port)
		case "DBParameterGroupName":
			in.DBParameterGroupName = aws.String(spec.ParameterGroup.Name)
		case "EngineVersion":
			in.EngineVersion = aws.String(spec.EngineVersion)
			if isMajorUpgrade(c.Current, spec.EngineVersion) {
				in.AllowMajorVersionUpgrade = aws.Bool(true) // Immutable unless the spec allows it
			}
		case "EnabledCloudwatchLogsExports":
			cur := strings.Split(c.Current, ",")
			cfg := &types.CloudwatchLogsExportConfiguration{}
			for _, l := range spec.LogExports {
				if !slices.Contains(cur, l) {
					cfg.EnableLogTypes = append(cfg.EnableLogTypes, l)
				}
			}
			for _, l := range cur {
				if l != "" && !slices.Contains(spec.LogExports, l) {
					cfg.DisableLogTypes = append(cfg.DisableLogTypes, l)
				}
			}
			in.CloudwatchLogsExportConfiguration = cfg
		}
	}
	if modify {
		if _, err := p.api.ModifyDBInstance(ctx, in); err != nil {
			return nil, fmt.Errorf("rds: modify %s: %w", spec.Identifier, err)
		}
	}
	return plan, nil
}

func createInput(s InstanceSpec) *rds.CreateDBInstanceInput {
	in := &rds.CreateDBInstanceInput{
		DBInstanceIdentifier:            aws.String(s.Identifier),
		DBInstanceClass:                 aws.String(s.Class),
		Engine:                          aws.String("postgres"),
		AllocatedStorage:                aws.Int32(s.AllocatedStorage),
		StorageType:                     aws.String(s.StorageType),
		MultiAZ:                         aws.Bool(s.MultiAZ),
		StorageEncrypted:                aws.Bool(!s.Unencrypted),
		BackupRetentionPeriod:           aws.Int32(s.BackupRetentionDays),
		DeletionProtection:              aws.Bool(s.DeletionProtection),
		EnableIAMDatabaseAuthentication: aws.Bool(s.IAMAuth),
		EnableCloudwatchLogsExports:     s.LogExports,
		MasterUsername:                  aws.String(s.MasterUsername),
		DBParameterGroupName:            aws.String(s.ParameterGroup.Name),
		PubliclyAccessible:              aws.Bool(s.PubliclyAccessible),
		AutoMinorVersionUpgrade:         aws.Bool(true),
		CopyTagsToSnapshot:              aws.Bool(true),
		Port:                            aws.Int32(s.Port),
		VpcSecurityGroupIds:             s.SecurityGroupIDs,
		Tags:                            tags(s.Tags),
	}
	if s.EngineVersion != "" {
		in.EngineVersion = aws.String(s.EngineVersion)
	}
	if s.IOPS != 0 {
		in.Iops = aws.Int32(s.IOPS)
	}
	if s.Throughput != 0 {
		in.StorageThroughput = aws.Int32(s.Throughput)
	}
	if s.KMSKeyID != "" {
		in.KmsKeyId = aws.String(s.KMSKeyID)
	}
	if s.MonitoringInterval > 0 {
		in.MonitoringInterval = aws.Int32(s.MonitoringInterval)
		in.MonitoringRoleArn = aws.String(s.MonitoringRoleArn)
	}
	if s.ManageMasterPassword {
		in.ManageMasterUserPassword = aws.Bool(true)
	} else {
		in.MasterUserPassword = aws.String(s.MasterPassword)
	}
	if s.SubnetGroup != "" {
		in.DBSubnetGroupName = aws.String(s.SubnetGroup)
	}
	return in
}

func tags(m map[string]string) []types.Tag {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []types.Tag
	for _, k := range keys {
		out = append(out, types.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

func instanceChanges(s InstanceSpec, in *types.DBInstance) []Change {
	var out []Change
	add := func(field, cur, want string, immutable bool, note string) {
		if cur != want {
			out = append(out, Change{Resource: "instance", Field: field, Current: cur, Desired: want, Immutable: immutable, Note: note})
		}
	}
	i32 := func(p *int32) string { return strconv.Itoa(int(aws.ToInt32(p))) }
	b := func(p *bool) string { return strconv.FormatBool(aws.ToBool(p)) }
	add("DBInstanceClass", aws.ToString(in.DBInstanceClass), s.Class, false, "")
	shrink := s.AllocatedStorage < aws.ToInt32(in.AllocatedStorage)
	add("AllocatedStorage", i32(in.AllocatedStorage), strconv.Itoa(int(s.AllocatedStorage)), shrink,
		noteIf(shrink, "RDS never shrinks storage: create a smaller instance and move the data to it"))
	add("StorageType", aws.ToString(in.StorageType), s.StorageType, false, "")
	if s.IOPS != 0 {
		add("Iops", i32(in.Iops), strconv.Itoa(int(s.IOPS)), false, "")
	}
	if s.Throughput != 0 {
		add("StorageThroughput", i32(in.StorageThroughput), strconv.Itoa(int(s.Throughput)), false, "")
	}
	add("MultiAZ", b(in.MultiAZ), strconv.FormatBool(s.MultiAZ), false, "")
	add("StorageEncrypted", b(in.StorageEncrypted), strconv.FormatBool(!s.Unencrypted), true, "encryption cannot change in place: snapshot, copy encrypted, restore")
	add("BackupRetentionPeriod", i32(in.BackupRetentionPeriod), strconv.Itoa(int(s.BackupRetentionDays)), false, "")
	add("DeletionProtection", b(in.DeletionProtection), strconv.FormatBool(s.DeletionProtection), false, "")
	add("IAMDatabaseAuthenticationEnabled", b(in.IAMDatabaseAuthenticationEnabled), strconv.FormatBool(s.IAMAuth), false, "")
	add("PubliclyAccessible", b(in.PubliclyAccessible), strconv.FormatBool(s.PubliclyAccessible), false, "")
	add("MonitoringInterval", i32(in.MonitoringInterval), strconv.Itoa(int(s.MonitoringInterval)), false, "")
	if s.MonitoringInterval > 0 {
		add("MonitoringRoleArn", aws.ToString(in.MonitoringRoleArn), s.MonitoringRoleArn, false, "")
	}
	if port := instancePort(in); port != 0 { // no endpoint yet while creating
		add("Port", strconv.Itoa(int(port)), strconv.Itoa(int(s.Port)), false, "RDS restarts the instance to move it to the new port")
	}
	versionHeld := false // a version change Apply will not make
	if cur := aws.ToString(in.EngineVersion); s.EngineVersion != "" && cur != s.EngineVersion {
		versionHeld = compareVersions(s.EngineVersion, cur) < 0 || isMajorUpgrade(cur, s.EngineVersion) && !s.AllowMajorVersionUpgrade
		switch {
		case compareVersions(s.EngineVersion, cur) < 0:
			add("EngineVersion", cur, s.EngineVersion, true, "RDS cannot downgrade the engine: restore a snapshot into a new instance")
		case isMajorUpgrade(cur, s.EngineVersion) && !s.AllowMajorVersionUpgrade:
			add("EngineVersion", cur, s.EngineVersion, true, "major version upgrade: set AllowMajorVersionUpgrade to apply it")
		case isMajorUpgrade(cur, s.EngineVersion):
			add("EngineVersion", cur, s.EngineVersion, false, "major version upgrade")
		default:
			add("EngineVersion", cur, s.EngineVersion, false, "")
		}
	}
	cur := slices.Clone(in.EnabledCloudwatchLogsExports)
	want := slices.Clone(s.LogExports)
	slices.Sort(cur)
	slices.Sort(want)
	add("EnabledCloudwatchLogsExports", strings.Join(cur, ","), strings.Join(want, ","), false, "")
	pg := ""
	for _, g := range in.DBParameterGroups {
		pg = aws.ToString(g.DBParameterGroupName)
	}
	// A group of the new major version's family can only come with the
	// upgrade: RDS refuses it on the old version.
	liveFamily, _ := ParameterGroupFamily(aws.ToString(in.EngineVersion))
	groupHeld := versionHeld && s.ParameterGroup.Family != liveFamily
	add("DBParameterGroupName", pg, s.ParameterGroup.Name, groupHeld,
		noteIf(groupHeld, "a "+s.ParameterGroup.Family+" parameter group comes with the EngineVersion change, which is not applied"))
	return out
}

// instancePort is the port an instance listens on, 0 while unknown.
func instancePort(in *types.DBInstance) int32 {
	if in.Endpoint != nil && aws.ToInt32(in.Endpoint.Port) != 0 {
		return aws.ToInt32(in.Endpoint.Port)
	}
	return aws.ToInt32(in.DbInstancePort)
}

func noteIf(cond bool, note string) string {
	if cond {
		return note
	}
	return ""
}

// isMajorUpgrade reports that to is a higher major version than from.
func isMajorUpgrade(from, to string) bool {
	a, errA := majorVersion(from)
	b, errB := majorVersion(to)
	return errA == nil && errB == nil && a != b && compareVersions(to, from) > 0
}

// Describe returns one instance; a missing one is a
// *types.DBInstanceNotFoundFault (errors.As).
func (p *Provisioner) Describe(ctx context.Context, id string) (*types.DBInstance, error) {
	return describe(ctx, p.api, id)
}

func describe(ctx context.Context, api rds.DescribeDBInstancesAPIClient, id string) (*types.DBInstance, error) {
	out, err := api.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(id)})
	if err != nil {
		return nil, fmt.Errorf("rds: describe %s: %w", id, err)
	}
	if len(out.DBInstances) != 1 {
		return nil, fmt.Errorf("rds: describe %s: %w", id, &types.DBInstanceNotFoundFault{Message: aws.String("DBInstance " + id + " not found.")})
	}
	return &out.DBInstances[0], nil
}

// WaitAvailable polls until the instance is available, for at most maxWait.
func (p *Provisioner) WaitAvailable(ctx context.Context, id string, maxWait time.Duration) error {
	return WaitAvailable(ctx, p.api, id, maxWait, p.opts.PollInterval)
}

// WaitAvailable polls api until the instance is available, for at most
// maxWait, every poll (default 15s) with the SDK's waiter.
func WaitAvailable(ctx context.Context, api rds.DescribeDBInstancesAPIClient, id string, maxWait, poll time.Duration) error {
	if poll <= 0 {
		poll = 15 * time.Second
	}
	w := rds.NewDBInstanceAvailableWaiter(api, func(o *rds.DBInstanceAvailableWaiterOptions) {
		o.MinDelay, o.MaxDelay = poll, poll
	})
	if err := w.Wait(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(id)}, maxWait); err != nil {
		return fmt.Errorf("rds: wait for %s: %w", id, err)
	}
	return nil
}

// Delete deletes an instance without a final snapshot after turning
// deletion protection off (for tests and scratch environments).
func (p *Provisioner) Delete(ctx context.Context, id string) error {
	if _, err := p.api.ModifyDBInstance(ctx, &rds.ModifyDBInstanceInput{DBInstanceIdentifier: aws.String(id), DeletionProtection: aws.Bool(false), ApplyImmediately: aws.Bool(true)}); err != nil {
		return fmt.Errorf("rds: delete %s: %w", id, err)
	}
	if _, err := p.api.DeleteDBInstance(ctx, &rds.DeleteDBInstanceInput{DBInstanceIdentifier: aws.String(id), SkipFinalSnapshot: aws.Bool(true)}); err != nil {
		return fmt.Errorf("rds: delete %s: %w", id, err)
	}
	return nil
}
