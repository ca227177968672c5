package netaudit

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/internal/audit"
)

// DatabaseAccess is the rule that a database port is reachable only from
// the application's security groups: every source of an ingress rule on a
// database port that is not one of AppGroups (a CIDR of any width, a
// prefix list, another security group) fails
// access.network.sg.database_not_app_only.
type DatabaseAccess struct {
	// Ports are the database ports; default 5432.
	Ports []int32
	// Groups are the database's security groups, by ID (sg-...) or name.
	// Empty means every security group with an ingress rule on a database
	// port.
	Groups []string
	// AppGroups are the application security groups, by ID or name, that
	// alone may reach the database ports. At least one is required.
	AppGroups []string
}

// dbRule is DatabaseAccess with every group resolved to its ID.
type dbRule struct {
	ports  []int32
	groups map[string]bool // nil: every group with a rule on a port
	apps   map[string]bool
}

var databaseCheck = access.Check{ID: "access.network.sg.database_not_app_only", Title: "database port admits more than the application's security groups",
	Severity: access.SeverityHigh,
	Remediation: access.Remediation{Text: "Make the only ingress on the database port a reference to the application's security groups; remove CIDRs, prefix lists and other groups.",
		Command: "aws ec2 revoke-security-group-ingress --group-id DB_SG --ip-permissions ..."},
	References: []string{"Prowler rds_instance_no_public_access (security group part)"},
	Tags:       []string{"aws", "network", "database"}}

// resolveGroup turns an ID or a name into a group ID among the groups read,
// or asks EC2 for an ID it has not read.
func (t *networkTarget) resolveGroup(field, ref string) (string, error) {
	if strings.HasPrefix(ref, "sg-") {
		return ref, nil
	}
	var ids []string
	for _, g := range t.groups {
		if aws.ToString(g.GroupName) == ref {
			ids = append(ids, aws.ToString(g.GroupId))
		}
	}
	switch len(ids) {
	case 1:
		return ids[0], nil
	case 0:
		return "", fmt.Errorf("netaudit: Options.Database.%s: no security group named %q in the audited VPCs: %w", field, ref, access.ErrInvalidOption)
	}
	return "", fmt.Errorf("netaudit: Options.Database.%s: %d security groups are named %q (%s); name it by ID: %w", field, len(ids), ref, strings.Join(ids, ", "), access.ErrInvalidOption)
}

func (t *networkTarget) resolveDatabase(d *DatabaseAccess) error {
	if d == nil {
		return nil
	}
	if len(d.AppGroups) == 0 {
		return fmt.Errorf("netaudit: Options.Database.AppGroups: empty; name the application's security groups: %w", access.ErrInvalidOption)
	}
	r := &dbRule{ports: slices.Clone(d.Ports), apps: map[string]bool{}}
	if len(r.ports) == 0 {
		r.ports = []int32{5432}
	}
	for _, p := range r.ports {
		if p < 0 || p > 65535 {
			return fmt.Errorf("netaudit: Options.Database.Ports: %d out of range: %w", p, access.ErrInvalidOption)
		}
	}
	for _, a := range d.AppGroups {
		id, err := t.resolveGroup("AppGroups", a)
		if err != nil {
			return err
		}
		r.apps[id] = true
	}
	if len(d.Groups) > 0 {
		r.groups = map[string]bool{}
		for _, g := range d.Groups {
			id, err := t.resolveGroup("Groups", g)
			if err != nil {
				return err
			}
			r.groups[id] = true
		}
	}
	t.db = r
	return nil
}

// lookupReferenced reads the groups that rules reference but the audit
// did not read (another VPC, a peer), so evidence can name them.
func (t *networkTarget) lookupReferenced(ctx context.Context, api EC2API) {
	for _, g := range t.groups {
		for _, p := range g.IpPermissions {
			for _, pair := range p.UserIdGroupPairs {
				id := aws.ToString(pair.GroupId)
				if _, ok := t.byID[id]; ok || id == "" {
					continue
				}
				out, err := api.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{id}})
				if err != nil || len(out.SecurityGroups) != 1 {
					t.byID[id] = types.SecurityGroup{GroupId: aws.String(id)}
					continue
				}
				t.byID[id] = out.SecurityGroups[0]
			}
		}
	}
}

// groupLabel names a referenced group: "sg-1 (web)", or says it was not
// found.
func (t *networkTarget) groupLabel(pair types.UserIdGroupPair, owner string) string {
	id := aws.ToString(pair.GroupId)
	label := id
	if g, ok := t.byID[id]; ok && g.GroupName != nil {
		label += " (" + aws.ToString(g.GroupName) + ")"
	} else {
		label += " (not found)"
	}
	if u := aws.ToString(pair.UserId); u != "" && owner != "" && u != owner {
		label += " of account " + u
	}
	return label
}

func databaseChecker() audit.Checker[*networkTarget] {
	return audit.Checker[*networkTarget]{Check: databaseCheck, Func: func(_ context.Context, t *networkTarget) ([]access.Finding, error) {
		if t.db == nil {
			// Not configured: no finding. After internal/audit gains a
			// not-applicable status, say so here instead.
			return nil, nil
		}
		var out []access.Finding
		for _, g := range t.groups {
			id := aws.ToString(g.GroupId)
			var ev []string
			onPort := false
			for _, p := range g.IpPermissions {
				if !slices.ContainsFunc(t.db.ports, func(port int32) bool { return covers(p, "tcp", port) }) {
					continue
				}
				onPort = true
				var bad []string
				for _, r := range p.IpRanges {
					bad = append(bad, aws.ToString(r.CidrIp))
				}
				for _, r := range p.Ipv6Ranges {
					bad = append(bad, aws.ToString(r.CidrIpv6))
				}
				for _, pl := range p.PrefixListIds {
					bad = append(bad, "prefix list "+aws.ToString(pl.PrefixListId))
				}
				for _, pair := range p.UserIdGroupPairs {
					if !t.db.apps[aws.ToString(pair.GroupId)] {
						bad = append(bad, "security group "+t.groupLabel(pair, aws.ToString(g.OwnerId)))
					}
				}
				if len(bad) > 0 {
					ev = append(ev, describePerm(p, bad))
				}
			}
			if t.db.groups != nil && !t.db.groups[id] || t.db.groups == nil && !onPort {
				continue
			}
			if len(ev) > 0 {
				out = append(out, databaseCheck.Fail(sgResource(g), strings.Join(ev, "; ")))
			} else {
				out = append(out, databaseCheck.Pass(sgResource(g)))
			}
		}
		return out, nil
	}}
}
