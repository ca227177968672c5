package rdsfake

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/smithy-go"
)

// combination is RDS's InvalidParameterCombination, which the SDK returns
// as a generic API error (no modeled type).
func combination(msg string) error {
	return &smithy.GenericAPIError{Code: "InvalidParameterCombination", Message: msg, Fault: smithy.FaultClient}
}

// family is the parameter group family of a PostgreSQL version: the major
// version, which is two numbers before 10 (postgres9.6) and one after.
func family(engine, version string) string {
	parts := strings.Split(version, ".")
	major := parts[0]
	if n, err := strconv.Atoi(major); err == nil && n < 10 && len(parts) > 1 {
		major += "." + parts[1]
	}
	return engine + major
}

// olderVersion reports a < b, number by number.
func olderVersion(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := range max(len(pa), len(pb)) {
		var x, y int
		if i < len(pa) {
			x, _ = strconv.Atoi(pa[i])
		}
		if i < len(pb) {
			y, _ = strconv.Atoi(pb[i])
		}
		if x != y {
			return x < y
		}
	}
	return false
}

// checkGroupFamily refuses a parameter group whose family does not match
// the engine version, in RDS's words.
func (r *RDS) checkGroupFamily(name, engine, version string) error {
	g := r.groups[name]
	if want := family(engine, version); g != nil && g.family != want {
		return combination(fmt.Sprintf("The parameter group %s with DBParameterGroupFamily %s can't be used for this instance. Use a parameter group with DBParameterGroupFamily %s.", name, g.family, want))
	}
	return nil
}

// checkModify applies RDS's refusals to a modification of db, before
// anything changes: storage never shrinks, a storage change of an
// instance with provisioned IOPS names the IOPS, the engine never goes
// down, a major upgrade needs AllowMajorVersionUpgrade and a parameter
// group of the new family, and a parameter group must match the engine.
func (r *RDS) checkModify(db *types.DBInstance, in *rds.ModifyDBInstanceInput) error {
	cur := aws.ToInt32(db.AllocatedStorage)
	if want := aws.ToInt32(in.AllocatedStorage); in.AllocatedStorage != nil && want != cur {
		if want < cur {
			return combination(fmt.Sprintf("Invalid storage size for engine name %s: %d GiB is less than the allocated %d GiB; allocated storage can't be reduced.", aws.ToString(db.Engine), want, cur))
		}
		if aws.ToInt32(db.Iops) != 0 && in.Iops == nil {
			return combination("You must specify both the storage size and iops when modifying the storage size or iops on a DB instance that has iops.")
		}
	}
	engine, version := aws.ToString(db.Engine), aws.ToString(db.EngineVersion)
	group := ""
	for _, g := range db.DBParameterGroups {
		group = aws.ToString(g.DBParameterGroupName)
	}
	if v := aws.ToString(in.EngineVersion); v != "" && v != version {
		if olderVersion(v, version) {
			return combination(fmt.Sprintf("Cannot upgrade %s from %s to %s", engine, version, v))
		}
		if family(engine, v) != family(engine, version) {
			if !aws.ToBool(in.AllowMajorVersionUpgrade) {
				return combination("The AllowMajorVersionUpgrade flag must be present when upgrading to a new major version.")
			}
			if aws.ToString(in.DBParameterGroupName) == "" && !strings.HasPrefix(group, "default.") {
				return combination(fmt.Sprintf("The current DB parameter group %s is not compatible with engine version %s. Specify a DB parameter group with DBParameterGroupFamily %s.", group, v, family(engine, v)))
			}
		}
		version = v
	}
	if n := aws.ToString(in.DBParameterGroupName); n != "" {
		if _, ok := r.groups[n]; !ok {
			return r.groupNotFound(n)
		}
		return r.checkGroupFamily(n, engine, version)
	}
	return nil
}
