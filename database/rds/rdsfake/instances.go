package rdsfake

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"
)

// DescribeDBInstances lists instances, or one by identifier. Each describe
// moves a creating instance toward available.
func (r *RDS) DescribeDBInstances(ctx context.Context, in *rds.DescribeDBInstancesInput, _ ...func(*rds.Options)) (*rds.DescribeDBInstancesOutput, error) {
	r.w.mu.Lock()
	defer r.w.mu.Unlock()
	out := &rds.DescribeDBInstancesOutput{}
	tick := func(i *instance) types.DBInstance {
		i.describes++
		if aws.ToString(i.db.DBInstanceStatus) != "available" && i.describes > r.w.CreatingDescribes {
			i.db.DBInstanceStatus = aws.String("available")
		}
		db := i.db
		db.ReadReplicaDBInstanceIdentifiers = append([]string(nil), i.replicaIDs...)
		return db
	}
	if id := aws.ToString(in.DBInstanceIdentifier); id != "" {
		i, ok := r.instances[strings.ToLower(id)]
		if !ok {
			return nil, r.notFound(id)
		}
		out.DBInstances = []types.DBInstance{tick(i)}
		return out, nil
	}
	for _, k := range sortedKeys(r.instances) {
		out.DBInstances = append(out.DBInstances, tick(r.instances[k]))
	}
	return out, nil
}

// ModifyDBInstance changes settings at once (ApplyImmediately or not).
func (r *RDS) ModifyDBInstance(ctx context.Context, in *rds.ModifyDBInstanceInput, _ ...func(*rds.Options)) (*rds.ModifyDBInstanceOutput, error) {
	r.w.mu.Lock()
	defer r.w.mu.Unlock()
	id := aws.ToString(in.DBInstanceIdentifier)
	i, ok := r.instances[strings.ToLower(id)]
	if !ok {
		return nil, r.notFound(id)
	}
	db := &i.db
	if err := r.checkModify(db, in); err != nil {
		return nil, err
	}
	if in.MonitoringInterval != nil {
		role := in.MonitoringRoleArn
		if role == nil {
			role = db.MonitoringRoleArn
		}
		if err := checkMonitoring(in.MonitoringInterval, role); err != nil {
			return nil, err
		}
		db.MonitoringInterval, db.MonitoringRoleArn = in.MonitoringInterval, role
		setMonitoringARN(db, r.region)
	}
	if p := aws.ToInt32(in.DBPortNumber); p != 0 && db.Endpoint != nil {
		ep := *db.Endpoint
		ep.Port = aws.Int32(p)
		db.Endpoint = &ep
	}
	set := func(dst **string, v *string) {
		if v != nil {
			*dst = v
		}
	}
	set(&db.DBInstanceClass, in.DBInstanceClass)
	set(&db.StorageType, in.StorageType)
	if v := aws.ToString(in.EngineVersion); v != "" && v != aws.ToString(db.EngineVersion) {
		// A major upgrade from a default group moves to the new default.
		if old := db.DBParameterGroups; len(old) == 1 && strings.HasPrefix(aws.ToString(old[0].DBParameterGroupName), "default.") && in.DBParameterGroupName == nil {
			db.DBParameterGroups = []types.DBParameterGroupStatus{{DBParameterGroupName: aws.String("default." + family(aws.ToString(db.Engine), v)), ParameterApplyStatus: aws.String("in-sync")}}
		}
		db.EngineVersion = aws.String(v)
	}
	for _, p := range []struct {
		dst **int32
		v   *int32
	}{{&db.AllocatedStorage, in.AllocatedStorage}, {&db.Iops, in.Iops}, {&db.StorageThroughput, in.StorageThroughput}, {&db.BackupRetentionPeriod, in.BackupRetentionPeriod}} {
		if p.v != nil {
			*p.dst = p.v
		}
	}
	for _, p := range []struct {
		dst **bool
		v   *bool
	}{{&db.MultiAZ, in.MultiAZ}, {&db.DeletionProtection, in.DeletionProtection}, {&db.IAMDatabaseAuthenticationEnabled, in.EnableIAMDatabaseAuthentication}, {&db.PubliclyAccessible, in.PubliclyAccessible}, {&db.AutoMinorVersionUpgrade, in.AutoMinorVersionUpgrade}, {&db.CopyTagsToSnapshot, in.CopyTagsToSnapshot}} {
		if p.v != nil {
			*p.dst = p.v
		}
	}
	if n := aws.ToString(in.DBParameterGroupName); n != "" {
		db.DBParameterGroups = []types.DBParameterGroupStatus{{DBParameterGroupName: aws.String(n), ParameterApplyStatus: aws.String("pending-reboot")}}
	}
	if c := in.CloudwatchLogsExportConfiguration; c != nil {
		logs := db.EnabledCloudwatchLogsExports[:0:0]
		for _, l := range db.EnabledCloudwatchLogsExports {
			if !contains(c.DisableLogTypes, l) {
				logs = append(logs, l)
			}
		}
		for _, l := range c.EnableLogTypes {
			if !contains(logs, l) {
				logs = append(logs, l)
			}
		}
		db.EnabledCloudwatchLogsExports = logs
	}
	out := *db
	return &rds.ModifyDBInstanceOutput{DBInstance: &out}, nil
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// DeleteDBInstance deletes an instance unless deletion protection is on,
// which RDS refuses with InvalidParameterCombination.
func (r *RDS) DeleteDBInstance(ctx context.Context, in *rds.DeleteDBInstanceInput, _ ...func(*rds.Options)) (*rds.DeleteDBInstanceOutput, error) {
	r.w.mu.Lock()
	defer r.w.mu.Unlock()
	id := strings.ToLower(aws.ToString(in.DBInstanceIdentifier))
	i, ok := r.instances[id]
	if !ok {
		return nil, r.notFound(id)
	}
	if aws.ToBool(i.db.DeletionProtection) {
		return nil, combination("Cannot delete protected DB Instance, please disable deletion protection and try again.")
	}
	if !aws.ToBool(in.SkipFinalSnapshot) && aws.ToString(in.FinalDBSnapshotIdentifier) == "" {
		return nil, invalid("FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified")
	}
	delete(r.instances, id)
	db := i.db
	db.DBInstanceStatus = aws.String("deleting")
	return &rds.DeleteDBInstanceOutput{DBInstance: &db}, nil
}

// CreateDBInstanceReadReplica creates a replica of an instance in this
// region (identifier) or any region of the world (ARN).
func (r *RDS) CreateDBInstanceReadReplica(ctx context.Context, in *rds.CreateDBInstanceReadReplicaInput, _ ...func(*rds.Options)) (*rds.CreateDBInstanceReadReplicaOutput, error) {
	src := aws.ToString(in.SourceDBInstanceIdentifier)
	srcRegion, srcID := r.region, strings.ToLower(src)
	if strings.HasPrefix(src, "arn:") {
		parts := strings.Split(src, ":")
		if len(parts) != 7 || parts[2] != "rds" || parts[5] != "db" {
			return nil, invalid("invalid source ARN " + src)
		}
		srcRegion, srcID = parts[3], parts[6]
	}
	srcAPI := r
	if srcRegion != r.region {
		srcAPI = r.w.Region(srcRegion)
	}
	r.w.mu.Lock()
	s, ok := srcAPI.instances[srcID]
	if !ok {
		r.w.mu.Unlock()
		return nil, r.notFound(src)
	}
	source := s.db
	r.w.mu.Unlock()
	create := &rds.CreateDBInstanceInput{
		DBInstanceIdentifier: in.DBInstanceIdentifier, DBInstanceClass: in.DBInstanceClass, Engine: source.Engine,
		EngineVersion: source.EngineVersion, AllocatedStorage: source.AllocatedStorage, StorageType: source.StorageType,
		Iops: source.Iops, MultiAZ: in.MultiAZ, StorageEncrypted: source.StorageEncrypted, KmsKeyId: in.KmsKeyId,
		BackupRetentionPeriod: aws.Int32(0), DeletionProtection: in.DeletionProtection,
		EnableIAMDatabaseAuthentication: in.EnableIAMDatabaseAuthentication, EnableCloudwatchLogsExports: in.EnableCloudwatchLogsExports,
		MasterUsername: source.MasterUsername, ManageMasterUserPassword: aws.Bool(true), DBParameterGroupName: in.DBParameterGroupName,
		PubliclyAccessible: in.PubliclyAccessible, CopyTagsToSnapshot: in.CopyTagsToSnapshot, Tags: in.Tags,
		Port: in.Port, MonitoringInterval: in.MonitoringInterval, MonitoringRoleArn: in.MonitoringRoleArn,
	}
	if create.Port == nil && source.Endpoint != nil {
		create.Port = source.Endpoint.Port // RDS: inherits the source's port
	}
	if create.DBInstanceClass == nil {
		create.DBInstanceClass = source.DBInstanceClass
	}
	out, err := r.CreateDBInstance(ctx, create)
	if err != nil {
		return nil, err
	}
	r.w.mu.Lock()
	defer r.w.mu.Unlock()
	rep := r.instances[aws.ToString(out.DBInstance.DBInstanceIdentifier)]
	rep.db.ReadReplicaSourceDBInstanceIdentifier = aws.String(src)
	if srcRegion != r.region {
		rep.db.ReadReplicaSourceDBInstanceIdentifier = source.DBInstanceArn
	}
	ref := aws.ToString(rep.db.DBInstanceIdentifier)
	if srcRegion != r.region {
		ref = aws.ToString(rep.db.DBInstanceArn)
	}
	s.replicaIDs = append(s.replicaIDs, ref)
	db := rep.db
	return &rds.CreateDBInstanceReadReplicaOutput{DBInstance: &db}, nil
}
