package rds

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/rds"
)

// The operations used, one interface each, as aws-sdk-go-v2 names them.
type (
	// CreateDBInstanceAPI creates instances.
	CreateDBInstanceAPI interface {
		CreateDBInstance(context.Context, *rds.CreateDBInstanceInput, ...func(*rds.Options)) (*rds.CreateDBInstanceOutput, error)
	}
	// ModifyDBInstanceAPI modifies instances.
	ModifyDBInstanceAPI interface {
		ModifyDBInstance(context.Context, *rds.ModifyDBInstanceInput, ...func(*rds.Options)) (*rds.ModifyDBInstanceOutput, error)
	}
	// DeleteDBInstanceAPI deletes instances.
	DeleteDBInstanceAPI interface {
		DeleteDBInstance(context.Context, *rds.DeleteDBInstanceInput, ...func(*rds.Options)) (*rds.DeleteDBInstanceOutput, error)
	}
	// CreateDBInstanceReadReplicaAPI creates read replicas.
	CreateDBInstanceReadReplicaAPI interface {
		CreateDBInstanceReadReplica(context.Context, *rds.CreateDBInstanceReadReplicaInput, ...func(*rds.Options)) (*rds.CreateDBInstanceReadReplicaOutput, error)
	}
	// CreateDBParameterGroupAPI creates parameter groups.
	CreateDBParameterGroupAPI interface {
		CreateDBParameterGroup(context.Context, *rds.CreateDBParameterGroupInput, ...func(*rds.Options)) (*rds.CreateDBParameterGroupOutput, error)
	}
	// DescribeDBParameterGroupsAPI looks parameter groups up.
	DescribeDBParameterGroupsAPI interface {
		DescribeDBParameterGroups(context.Context, *rds.DescribeDBParameterGroupsInput, ...func(*rds.Options)) (*rds.DescribeDBParameterGroupsOutput, error)
	}
	// ModifyDBParameterGroupAPI sets parameters.
	ModifyDBParameterGroupAPI interface {
		ModifyDBParameterGroup(context.Context, *rds.ModifyDBParameterGroupInput, ...func(*rds.Options)) (*rds.ModifyDBParameterGroupOutput, error)
	}
	// DeleteDBParameterGroupAPI deletes parameter groups.
	DeleteDBParameterGroupAPI interface {
		DeleteDBParameterGroup(context.Context, *rds.DeleteDBParameterGroupInput, ...func(*rds.Options)) (*rds.DeleteDBParameterGroupOutput, error)
	}
)

// API is every operation the package uses; *rds.Client and *rdsfake.RDS
// satisfy it. Functions that need less take the narrower interfaces.
type API interface {
	CreateDBInstanceAPI
	ModifyDBInstanceAPI
	DeleteDBInstanceAPI
	CreateDBInstanceReadReplicaAPI
	CreateDBParameterGroupAPI
	DescribeDBParameterGroupsAPI
	ModifyDBParameterGroupAPI
	DeleteDBParameterGroupAPI
	rds.DescribeDBInstancesAPIClient
	rds.DescribeDBParametersAPIClient
}

var _ API = (*rds.Client)(nil)
