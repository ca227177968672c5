// Package rdsfake is an in-memory Amazon RDS for the operations opskit's rds
// package uses: instances with their settings and lifecycle (creating,
// then available), parameter groups with parameters, and read replicas,
// also across regions. It returns the SDK's own fault types, so callers'
// errors.As checks work the same against the fake and the real service.
// The rdstest conformance suite runs against it and against moto.
//
// Like RDS, and unlike moto, it refuses a parameter group whose family
// does not match the engine version, a storage shrink, a storage change
// without the IOPS on an instance with provisioned IOPS, an engine
// downgrade, a major version upgrade without AllowMajorVersionUpgrade
// (or, from a custom parameter group, without one of the new family), and
// deleting an instance with deletion protection, all as
// InvalidParameterCombination.
//
// Limits: changes apply at once (no maintenance window, no
// storage-optimization state or six-hour wait between storage changes, no
// rounding of a storage increase up to 10%); engine versions are not
// checked against the versions RDS offers; parameters are stored as given,
// without their allowed values or apply types; RDS's default parameter
// groups ("default.postgres16") list no parameters, where RDS lists the
// engine defaults (rds.force_ssl is 1 from PostgreSQL 15 on); Enhanced
// Monitoring is recorded (interval, role, resource ARN) but publishes
// nothing.
package rdsfake

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/smithy-go"
	opsrds "github.com/opskit-dev/opskit/database/rds"
)

// Account is the account id in the fake's ARNs.
const Account = "123456789012"

// World holds every region's state, so replicas can name a source in
// another region by ARN.
type World struct {
	mu      sync.Mutex
	regions map[string]*RDS
	// CreatingDescribes is how many describes an instance stays in
	// "creating" before it becomes "available" (default 1).
	CreatingDescribes int
}

// NewWorld returns an empty world.
func NewWorld() *World { return &World{regions: map[string]*RDS{}, CreatingDescribes: 1} }

// Region returns the RDS API of one region, creating it on first use.
func (w *World) Region(name string) *RDS {
	w.mu.Lock()
	defer w.mu.Unlock()
	r, ok := w.regions[name]
	if !ok {
		r = &RDS{w: w, region: name, instances: map[string]*instance{}, groups: map[string]*group{}}
		w.regions[name] = r
	}
	return r
}

// RDS is one region's API.
type RDS struct {
	w         *World
	region    string
	instances map[string]*instance
	groups    map[string]*group
}

var _ opsrds.API = (*RDS)(nil)

type instance struct {
	db         types.DBInstance
	describes  int
	createdAt  time.Time
	replicaIDs []string
}

type group struct {
	name, family, desc string
	params             map[string]string
}

func (r *RDS) arn(id string) string {
	return fmt.Sprintf("arn:aws:rds:%s:%s:db:%s", r.region, Account, id)
}

func invalid(msg string) error {
	return &smithy.GenericAPIError{Code: "InvalidParameterValue", Message: msg, Fault: smithy.FaultClient}
}

// CreateDBParameterGroup creates a parameter group.
func (r *RDS) CreateDBParameterGroup(ctx context.Context, in *rds.CreateDBParameterGroupInput, _ ...func(*rds.Options)) (*rds.CreateDBParameterGroupOutput, error) {
	r.w.mu.Lock()
	defer r.w.mu.Unlock()
	name := aws.ToString(in.DBParameterGroupName)
	if name == "" || aws.ToString(in.DBParameterGroupFamily) == "" || aws.ToString(in.Description) == "" {
		return nil, invalid("DBParameterGroupName, DBParameterGroupFamily and Description are required")
	}
	if _, ok := r.groups[name]; ok {
		return nil, &types.DBParameterGroupAlreadyExistsFault{Message: aws.String("Parameter group " + name + " already exists")}
	}
	g := &group{name: name, family: aws.ToString(in.DBParameterGroupFamily), desc: aws.ToString(in.Description), params: map[string]string{}}
	r.groups[name] = g
	return &rds.CreateDBParameterGroupOutput{DBParameterGroup: g.out()}, nil
}

func (g *group) out() *types.DBParameterGroup {
	return &types.DBParameterGroup{DBParameterGroupName: aws.String(g.name), DBParameterGroupFamily: aws.String(g.family), Description: aws.String(g.desc)}
}

func (r *RDS) groupNotFound(name string) error {
	return &types.DBParameterGroupNotFoundFault{Message: aws.String("DBParameterGroup not found: " + name)}
}

// DescribeDBParameterGroups lists groups, or one by name.
func (r *RDS) DescribeDBParameterGroups(ctx context.Context, in *rds.DescribeDBParameterGroupsInput, _ ...func(*rds.Options)) (*rds.DescribeDBParameterGroupsOutput, error) {
	r.w.mu.Lock()
	defer r.w.mu.Unlock()
	out := &rds.DescribeDBParameterGroupsOutput{}
	if n := aws.ToString(in.DBParameterGroupName); n != "" {
		g, ok := r.groups[n]
		if !ok {
			return nil, r.groupNotFound(n)
		}
		out.DBParameterGroups = []types.DBParameterGroup{*g.out()}
		return out, nil
	}
	for _, k := range sortedKeys(r.groups) {
		out.DBParameterGroups = append(out.DBParameterGroups, *r.groups[k].out())
	}
	return out, nil
}

// ModifyDBParameterGroup sets up to 20 parameters.
func (r *RDS) ModifyDBParameterGroup(ctx context.Context, in *rds.ModifyDBParameterGroupInput, _ ...func(*rds.Options)) (*rds.ModifyDBParameterGroupOutput, error) {
	r.w.mu.Lock()
	defer r.w.mu.Unlock()
	name := aws.ToString(in.DBParameterGroupName)
	g, ok := r.groups[name]
	if !ok {
		return nil, r.groupNotFound(name)
	}
	if len(in.Parameters) == 0 || len(in.Parameters) > 20 {
		return nil, invalid("between 1 and 20 parameters may be modified at a time")
	}
	for _, p := range in.Parameters {
		if aws.ToString(p.ParameterName) == "" {
			return nil, invalid("ParameterName is required")
		}
		g.params[aws.ToString(p.ParameterName)] = aws.ToString(p.ParameterValue)
	}
	return &rds.ModifyDBParameterGroupOutput{DBParameterGroupName: aws.String(name)}, nil
}

// DeleteDBParameterGroup deletes a group that no instance uses.
func (r *RDS) DeleteDBParameterGroup(ctx context.Context, in *rds.DeleteDBParameterGroupInput, _ ...func(*rds.Options)) (*rds.DeleteDBParameterGroupOutput, error) {
	r.w.mu.Lock()
	defer r.w.mu.Unlock()
	name := aws.ToString(in.DBParameterGroupName)
	if _, ok := r.groups[name]; !ok {
		return nil, r.groupNotFound(name)
	}
	for _, i := range r.instances {
		for _, g := range i.db.DBParameterGroups {
			if aws.ToString(g.DBParameterGroupName) == name {
				return nil, &types.InvalidDBParameterGroupStateFault{Message: aws.String("parameter group " + name + " is in use")}
			}
		}
	}
	delete(r.groups, name)
	return &rds.DeleteDBParameterGroupOutput{}, nil
}

// DescribeDBParameters lists the parameters set in a group.
func (r *RDS) DescribeDBParameters(ctx context.Context, in *rds.DescribeDBParametersInput, _ ...func(*rds.Options)) (*rds.DescribeDBParametersOutput, error) {
	r.w.mu.Lock()
	defer r.w.mu.Unlock()
	name := aws.ToString(in.DBParameterGroupName)
	g, ok := r.groups[name]
	if !ok && strings.HasPrefix(name, "default.") {
		g, ok = &group{name: name}, true // RDS's own groups always exist
	}
	if !ok {
		return nil, r.groupNotFound(name)
	}
	out := &rds.DescribeDBParametersOutput{}
	for _, k := range sortedKeys(g.params) {
		out.Parameters = append(out.Parameters, types.Parameter{ParameterName: aws.String(k), ParameterValue: aws.String(g.params[k]), Source: aws.String("user")})
	}
	return out, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (r *RDS) notFound(id string) error {
	return &types.DBInstanceNotFoundFault{Message: aws.String("DBInstance " + id + " not found.")}
}

// CreateDBInstance creates an instance in "creating" state.
func (r *RDS) CreateDBInstance(ctx context.Context, in *rds.CreateDBInstanceInput, _ ...func(*rds.Options)) (*rds.CreateDBInstanceOutput, error) {
	r.w.mu.Lock()
	defer r.w.mu.Unlock()
	id := aws.ToString(in.DBInstanceIdentifier)
	switch {
	case id == "" || aws.ToString(in.DBInstanceClass) == "" || aws.ToString(in.Engine) == "":
		return nil, invalid("DBInstanceIdentifier, DBInstanceClass and Engine are required")
	case r.instances[strings.ToLower(id)] != nil:
		return nil, &types.DBInstanceAlreadyExistsFault{Message: aws.String("DB instance already exists")}
	case aws.ToString(in.MasterUsername) == "":
		return nil, invalid("MasterUsername is required")
	case in.MasterUserPassword == nil && !aws.ToBool(in.ManageMasterUserPassword):
		return nil, invalid("MasterUserPassword or ManageMasterUserPassword is required")
	}
	version := orDefault(aws.ToString(in.EngineVersion), "15.7")
	pg := "default." + family(aws.ToString(in.Engine), version)
	if n := aws.ToString(in.DBParameterGroupName); n != "" {
		if _, ok := r.groups[n]; !ok {
			return nil, r.groupNotFound(n)
		}
		if err := r.checkGroupFamily(n, aws.ToString(in.Engine), version); err != nil {
			return nil, err
		}
		pg = n
	}
	port := aws.ToInt32(in.Port)
	if port == 0 {
		port = 5432
	}
	if err := checkMonitoring(in.MonitoringInterval, in.MonitoringRoleArn); err != nil {
		return nil, err
	}
	retention := int32(1)
	if in.BackupRetentionPeriod != nil {
		retention = *in.BackupRetentionPeriod
	}
	db := types.DBInstance{
		DBInstanceIdentifier:             aws.String(strings.ToLower(id)),
		DBInstanceArn:                    aws.String(r.arn(strings.ToLower(id))),
		DBInstanceClass:                  in.DBInstanceClass,
		Engine:                           in.Engine,
		EngineVersion:                    aws.String(version),
		DBInstanceStatus:                 aws.String("creating"),
		AllocatedStorage:                 in.AllocatedStorage,
		StorageType:                      aws.String(orDefault(aws.ToString(in.StorageType), "gp2")),
		Iops:                             in.Iops,
		StorageThroughput:                in.StorageThroughput,
		MultiAZ:                          aws.Bool(aws.ToBool(in.MultiAZ)),
		StorageEncrypted:                 aws.Bool(aws.ToBool(in.StorageEncrypted)),
		KmsKeyId:                         in.KmsKeyId,
		BackupRetentionPeriod:            aws.Int32(retention),
		DeletionProtection:               aws.Bool(aws.ToBool(in.DeletionProtection)),
		IAMDatabaseAuthenticationEnabled: aws.Bool(aws.ToBool(in.EnableIAMDatabaseAuthentication)),
		EnabledCloudwatchLogsExports:     slices.Clone(in.EnableCloudwatchLogsExports),
		MasterUsername:                   in.MasterUsername,
		DBParameterGroups:                []types.DBParameterGroupStatus{{DBParameterGroupName: aws.String(pg), ParameterApplyStatus: aws.String("in-sync")}},
		PubliclyAccessible:               aws.Bool(aws.ToBool(in.PubliclyAccessible)),
		AutoMinorVersionUpgrade:          aws.Bool(in.AutoMinorVersionUpgrade == nil || *in.AutoMinorVersionUpgrade),
		CopyTagsToSnapshot:               aws.Bool(aws.ToBool(in.CopyTagsToSnapshot)),
		DbInstancePort:                   aws.Int32(0),
		Endpoint:                         &types.Endpoint{Address: aws.String(strings.ToLower(id) + ".fake." + r.region + ".rds.amazonaws.com"), Port: aws.Int32(port)},
		TagList:                          slices.Clone(in.Tags),
		MonitoringInterval:               aws.Int32(aws.ToInt32(in.MonitoringInterval)),
		MonitoringRoleArn:                in.MonitoringRoleArn,
		DbiResourceId:                    aws.String(resourceID(r.region, strings.ToLower(id))),
		InstanceCreateTime:               aws.Time(time.Now().UTC()),
	}
	setMonitoringARN(&db, r.region)
	r.instances[strings.ToLower(id)] = &instance{db: db, createdAt: time.Now()}
	return &rds.CreateDBInstanceOutput{DBInstance: &db}, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
