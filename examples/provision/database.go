package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsrds "github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/opskit-dev/opskit/database/rds"
)

// dbStep is the PostgreSQL RDS instance, its parameter group and its read
// replica (database/rds).
type dbStep struct {
	w    *world
	api  rds.API
	prov *rds.Provisioner
	// wait bounds how long Apply waits for an instance to be available
	// (and Destroy for it to be deleted); poll is the interval.
	wait, poll time.Duration
}

func (s *dbStep) Name() string { return "database" }

func (s *dbStep) spec() (rds.InstanceSpec, error) {
	c := s.w.cfg.Database
	spec := rds.InstanceSpec{
		Identifier: c.Identifier, Class: c.Class, EngineVersion: c.EngineVersion,
		AllocatedStorage: c.Storage.SizeGB, StorageType: c.Storage.Type, IOPS: c.Storage.IOPS,
		MultiAZ: c.MultiAZ, BackupRetentionDays: c.BackupDays, MasterUsername: c.MasterUsername,
		MasterPassword: s.password(), LogExports: []string{"postgresql"},
		SecurityGroupIDs: s.w.sg(c.SecurityGroups), Tags: s.w.cfg.Tags,
	}
	if spec.EngineVersion != "" {
		family, err := rds.ParameterGroupFamily(spec.EngineVersion)
		if err != nil {
			return spec, err
		}
		name := c.ParameterGroup
		if name == "" {
			name = rds.DefaultParameterGroupName(c.Identifier, family)
		}
		pg := rds.HardeningParameterGroup(name, family)
		for k, v := range c.Parameters {
			pg.Parameters[k] = v
		}
		spec.ParameterGroup = pg
	}
	return spec, nil
}

// password is the database password, or before the first apply (a plan)
// a stand-in that passes validation and is never sent.
func (s *dbStep) password() string {
	if s.w.dbPassword.IsZero() {
		return "not-generated-yet"
	}
	return s.w.dbPassword.Reveal()
}

func (s *dbStep) replica(spec rds.InstanceSpec) rds.ReplicaSpec {
	r := s.w.cfg.Database.Replica
	class := r.Class
	if class == "" {
		class = spec.Class
	}
	return rds.ReplicaSpec{Identifier: r.Identifier, Source: spec.Identifier, Class: class,
		LogExports: spec.LogExports, ParameterGroup: spec.ParameterGroup, Tags: spec.Tags}
}

func (s *dbStep) Plan(ctx context.Context) ([]string, error) {
	spec, err := s.spec()
	if err != nil {
		return nil, err
	}
	p, err := s.prov.Plan(ctx, spec)
	if err != nil {
		return nil, err
	}
	out := planLines(spec, p)
	if r := s.w.cfg.Database.Replica; r != nil {
		if ok, err := s.exists(ctx, r.Identifier); err != nil {
			return out, err
		} else if !ok {
			out = append(out, fmt.Sprintf("create read replica %s of %s", r.Identifier, spec.Identifier))
		}
	}
	return out, nil
}

func planLines(spec rds.InstanceSpec, p *rds.Plan) []string {
	var out []string
	if p.CreateParameterGroup && spec.ParameterGroup != nil {
		out = append(out, fmt.Sprintf("create parameter group %s (%s, %d hardening parameters)", spec.ParameterGroup.Name, spec.ParameterGroup.Family, len(spec.ParameterGroup.Parameters)))
	}
	if p.CreateInstance {
		az := "single-AZ"
		if spec.MultiAZ {
			az = "Multi-AZ"
		}
		out = append(out, fmt.Sprintf("create instance %s: PostgreSQL %s on %s, %s, %d GiB %s, %d IOPS, password from the secret store",
			spec.Identifier, spec.EngineVersion, spec.Class, az, spec.AllocatedStorage, spec.StorageType, spec.IOPS))
	}
	for _, c := range p.Changes {
		if !p.CreateInstance || c.Resource != "instance" {
			out = append(out, c.String())
		}
	}
	return out
}

func (s *dbStep) exists(ctx context.Context, id string) (bool, error) {
	_, err := s.prov.Describe(ctx, id)
	if err == nil {
		return true, nil
	}
	if errors.As(err, new(*rdstypes.DBInstanceNotFoundFault)) {
		return false, nil
	}
	return false, err
}

func (s *dbStep) Apply(ctx context.Context) ([]string, error) {
	if s.w.dbPassword.IsZero() {
		return nil, errors.New("no database password: the secret step did not run")
	}
	spec, err := s.spec()
	if err != nil {
		return nil, err
	}
	p, err := s.prov.Apply(ctx, spec)
	if err != nil {
		return nil, err
	}
	done := planLines(spec, p)
	if p.CreateInstance {
		if err := s.prov.WaitAvailable(ctx, spec.Identifier, s.wait); err != nil {
			return done, err
		}
	}
	if r := s.w.cfg.Database.Replica; r != nil {
		ok, err := s.exists(ctx, r.Identifier)
		if err != nil {
			return done, err
		}
		if !ok {
			if err := s.prov.CreateReplica(ctx, s.replica(spec)); err != nil {
				return done, err
			}
			done = append(done, fmt.Sprintf("create read replica %s of %s", r.Identifier, spec.Identifier))
			if err := s.prov.WaitAvailable(ctx, r.Identifier, s.wait); err != nil {
				return done, err
			}
		}
	}
	return done, nil
}

func (s *dbStep) Destroy(ctx context.Context) ([]string, error) {
	c := s.w.cfg.Database
	var done []string
	ids := []string{c.Identifier}
	if c.Replica != nil {
		ids = []string{c.Replica.Identifier, c.Identifier}
	}
	for _, id := range ids {
		ok, err := s.exists(ctx, id)
		if err != nil {
			return done, err
		}
		if !ok {
			continue
		}
		if err := s.prov.Delete(ctx, id); err != nil {
			return done, err
		}
		done = append(done, "delete instance "+id+" (no final snapshot)")
	}
	// The parameter group can go once no instance uses it.
	for _, id := range ids {
		w := awsrds.NewDBInstanceDeletedWaiter(s.api, func(o *awsrds.DBInstanceDeletedWaiterOptions) {
			o.MinDelay, o.MaxDelay = s.poll, s.poll
		})
		if err := w.Wait(ctx, &awsrds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(id)}, s.wait); err != nil {
			return done, fmt.Errorf("rds: wait for %s to be deleted: %w", id, err)
		}
	}
	spec, err := s.spec()
	if err != nil || spec.ParameterGroup == nil {
		return done, err
	}
	name := spec.ParameterGroup.Name
	if _, err := s.api.DescribeDBParameterGroups(ctx, &awsrds.DescribeDBParameterGroupsInput{DBParameterGroupName: aws.String(name)}); err != nil {
		if errors.As(err, new(*rdstypes.DBParameterGroupNotFoundFault)) {
			return done, nil
		}
		return done, fmt.Errorf("rds: parameter group %s: %w", name, err)
	}
	if _, err := s.api.DeleteDBParameterGroup(ctx, &awsrds.DeleteDBParameterGroupInput{DBParameterGroupName: aws.String(name)}); err != nil {
		return done, fmt.Errorf("rds: delete parameter group %s: %w", name, err)
	}
	return append(done, "delete parameter group "+name), nil
}
