package rds

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"
)

// paramChanges returns the differences of the group's parameters from the
// spec, or nil (not an empty slice) when the group does not exist.
func (p *Provisioner) paramChanges(ctx context.Context, g *ParameterGroupSpec) ([]Change, error) {
	groups, err := p.api.DescribeDBParameterGroups(ctx, &rds.DescribeDBParameterGroupsInput{DBParameterGroupName: aws.String(g.Name)})
	// RDS answers DBParameterGroupNotFound; some emulators an empty list.
	if errors.As(err, new(*types.DBParameterGroupNotFoundFault)) || err == nil && len(groups.DBParameterGroups) == 0 {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("rds: parameter group %s: %w", g.Name, err)
	}
	live, err := Parameters(ctx, p.api, g.Name)
	if err != nil {
		return nil, err
	}
	out := []Change{}
	for _, k := range sortedKeys(g.Parameters) {
		if live[k] != g.Parameters[k] {
			out = append(out, Change{Resource: "parameter-group " + g.Name, Field: k, Current: live[k], Desired: g.Parameters[k]})
		}
	}
	return out, nil
}

// Parameters returns the parameters set in a group (name to value).
func Parameters(ctx context.Context, api rds.DescribeDBParametersAPIClient, group string) (map[string]string, error) {
	live := map[string]string{}
	pager := rds.NewDescribeDBParametersPaginator(api, &rds.DescribeDBParametersInput{DBParameterGroupName: aws.String(group)})
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("rds: parameters of %s: %w", group, err)
		}
		for _, prm := range page.Parameters {
			if prm.ParameterValue != nil {
				live[aws.ToString(prm.ParameterName)] = aws.ToString(prm.ParameterValue)
			}
		}
	}
	return live, nil
}

func (p *Provisioner) ensureParameterGroup(ctx context.Context, g *ParameterGroupSpec, create bool) error {
	if create {
		_, err := p.api.CreateDBParameterGroup(ctx, &rds.CreateDBParameterGroupInput{
			DBParameterGroupName: aws.String(g.Name), DBParameterGroupFamily: aws.String(g.Family),
			Description: aws.String(orDefault(g.Description, "opskit parameter group")),
		})
		if err != nil && !errors.As(err, new(*types.DBParameterGroupAlreadyExistsFault)) {
			return fmt.Errorf("rds: create parameter group %s: %w", g.Name, err)
		}
	}
	live, err := Parameters(ctx, p.api, g.Name)
	if err != nil {
		return err
	}
	var params []types.Parameter
	for _, k := range sortedKeys(g.Parameters) {
		if live[k] == g.Parameters[k] {
			continue
		}
		method := types.ApplyMethodImmediate
		if k == "shared_preload_libraries" {
			method = types.ApplyMethodPendingReboot // static parameter
		}
		params = append(params, types.Parameter{ParameterName: aws.String(k), ParameterValue: aws.String(g.Parameters[k]), ApplyMethod: method})
	}
	for len(params) > 0 { // at most 20 per call
		n := min(len(params), 20)
		if _, err := p.api.ModifyDBParameterGroup(ctx, &rds.ModifyDBParameterGroupInput{DBParameterGroupName: aws.String(g.Name), Parameters: params[:n]}); err != nil {
			return fmt.Errorf("rds: set parameters of %s: %w", g.Name, err)
		}
		params = params[n:]
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// CreateReplica creates a read replica through p's client (the replica's
// region), after creating its parameter group when one is given. It is
// idempotent: an existing replica of the same source is left alone.
func (p *Provisioner) CreateReplica(ctx context.Context, spec ReplicaSpec) error {
	if !identRE.MatchString(spec.Identifier) {
		return invalid(specInput("replica spec", spec.Identifier), "Identifier", "1-63 letters, digits or hyphens, starting with a letter")
	}
	if spec.Source == "" {
		return invalid(specInput("replica spec", spec.Identifier), "Source", "required (identifier or ARN of the source instance)")
	}
	if err := validatePortMonitoring(specInput("replica spec", spec.Identifier), spec.Port, spec.MonitoringInterval, spec.MonitoringRoleArn); err != nil {
		return err
	}
	if _, err := p.Describe(ctx, spec.Identifier); err == nil {
		return nil
	} else if !errors.As(err, new(*types.DBInstanceNotFoundFault)) {
		return err
	}
	in := &rds.CreateDBInstanceReadReplicaInput{
		DBInstanceIdentifier:            aws.String(spec.Identifier),
		SourceDBInstanceIdentifier:      aws.String(spec.Source),
		MultiAZ:                         aws.Bool(spec.MultiAZ),
		EnableIAMDatabaseAuthentication: aws.Bool(spec.IAMAuth),
		EnableCloudwatchLogsExports:     spec.LogExports,
		DeletionProtection:              aws.Bool(spec.DeletionProtection),
		CopyTagsToSnapshot:              aws.Bool(true),
		Tags:                            tags(spec.Tags),
	}
	if spec.Class != "" {
		in.DBInstanceClass = aws.String(spec.Class)
	}
	if spec.SourceRegion != "" {
		in.SourceRegion = aws.String(spec.SourceRegion)
	}
	if spec.KMSKeyID != "" {
		in.KmsKeyId = aws.String(spec.KMSKeyID)
	}
	if spec.Port != 0 {
		in.Port = aws.Int32(spec.Port)
	}
	if spec.MonitoringInterval > 0 {
		in.MonitoringInterval = aws.Int32(spec.MonitoringInterval)
		in.MonitoringRoleArn = aws.String(spec.MonitoringRoleArn)
	}
	if spec.ParameterGroup != nil {
		if err := p.ensureParameterGroup(ctx, spec.ParameterGroup, true); err != nil {
			return err
		}
		in.DBParameterGroupName = aws.String(spec.ParameterGroup.Name)
	}
	if _, err := p.api.CreateDBInstanceReadReplica(ctx, in); err != nil {
		return fmt.Errorf("rds: create replica %s of %s: %w", spec.Identifier, spec.Source, err)
	}
	return nil
}
