package rds

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// InstanceParameters is the DB parameter group of one instance, as the
// database audit's RDS mode reads it (database.AuditOptions.Parameters):
//
//	findings, err := database.Audit(ctx, conn, database.AuditOptions{
//		Mode:       database.AuditRDS,
//		Parameters: rds.InstanceParameters{API: client, Instance: "shop-db"},
//	})
//
// The database package names only the method, so it needs no AWS SDK.
type InstanceParameters struct {
	// API describes the instance and its group's parameters.
	API AuditAPI
	// Instance is the instance identifier.
	Instance string
}

// DBParameters describes the instance, then returns its parameter
// group's name and every parameter with a value (engine defaults
// included, as RDS lists them). An instance in more than one group
// (during a change) is judged by the last one RDS lists, the one being
// applied.
func (p InstanceParameters) DBParameters(ctx context.Context) (string, map[string]string, error) {
	inst, err := describe(ctx, p.API, p.Instance)
	if err != nil {
		return "", nil, err
	}
	group := ""
	for _, g := range inst.DBParameterGroups {
		group = aws.ToString(g.DBParameterGroupName)
	}
	if group == "" {
		return "", nil, fmt.Errorf("rds: instance %s has no DB parameter group", p.Instance)
	}
	params, err := Parameters(ctx, p.API, group)
	if err != nil {
		return group, nil, err
	}
	return group, params, nil
}
