package rds

import (
	"fmt"
	"strconv"
	"strings"
)

// ParameterGroupFamily returns the DB parameter group family RDS requires
// for a PostgreSQL engine version: "postgres" and the major version
// ("postgres16" for 16.3, "postgres9.6" for 9.6.24).
func ParameterGroupFamily(engineVersion string) (string, error) {
	major, err := majorVersion(engineVersion)
	if err != nil {
		return "", err
	}
	return "postgres" + major, nil
}

// DefaultParameterGroupName is the name of the hardening parameter group an
// InstanceSpec without ParameterGroup gets: the identifier, "-hardened-"
// and the family with dots as hyphens, so each major version has its own
// group and a major version upgrade switches groups in the same change.
func DefaultParameterGroupName(identifier, family string) string {
	return identifier + "-hardened-" + strings.ReplaceAll(family, ".", "-")
}

// majorVersion returns the major part of a PostgreSQL version: the first
// number from 10 on, the first two before ("9.6").
func majorVersion(v string) (string, error) {
	parts := strings.Split(v, ".")
	nums := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return "", fmt.Errorf("rds: engine version %q is not a PostgreSQL version (such as 16.3)", v)
		}
		nums[i] = n
	}
	if nums[0] < 10 {
		if len(nums) < 2 {
			return "", fmt.Errorf("rds: engine version %q is not a PostgreSQL version (such as 9.6.24)", v)
		}
		return parts[0] + "." + parts[1], nil
	}
	return parts[0], nil
}

// compareVersions compares two PostgreSQL versions number by number; a
// missing number counts as 0.
func compareVersions(a, b string) int {
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
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}
