package netaudit

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// openRanges returns the CIDRs of p that count as open to the internet
// (wideOpen with the audit's prefixes).
func (t *networkTarget) openRanges(p types.IpPermission) []string {
	var out []string
	for _, r := range p.IpRanges {
		if c := aws.ToString(r.CidrIp); wideOpen(c, t.prefix4, t.prefix6) {
			out = append(out, c)
		}
	}
	for _, r := range p.Ipv6Ranges {
		if c := aws.ToString(r.CidrIpv6); wideOpen(c, t.prefix4, t.prefix6) {
			out = append(out, c)
		}
	}
	return out
}

// allProtocols reports a rule for every protocol ("-1").
func allProtocols(p types.IpPermission) bool {
	proto := strings.ToLower(aws.ToString(p.IpProtocol))
	return proto == "-1" || proto == "all"
}

// protoIs reports whether p is for the named protocol, by name or number.
func protoIs(p types.IpPermission, name string) bool {
	proto := strings.ToLower(aws.ToString(p.IpProtocol))
	switch name {
	case "tcp":
		return proto == "tcp" || proto == "6"
	case "udp":
		return proto == "udp" || proto == "17"
	}
	return false
}

// allPorts reports whether p covers every port of every protocol, or every
// TCP port.
func allPorts(p types.IpPermission) bool {
	return allProtocols(p) || protoIs(p, "tcp") && aws.ToInt32(p.FromPort) <= 0 && aws.ToInt32(p.ToPort) >= 65535
}

// covers reports whether p admits port of protocol proto ("tcp" or "udp"):
// an all-protocol rule, or a rule of that protocol whose port range holds
// it.
func covers(p types.IpPermission, proto string, port int32) bool {
	if allProtocols(p) {
		return true
	}
	if !protoIs(p, proto) {
		return false
	}
	from, to := aws.ToInt32(p.FromPort), aws.ToInt32(p.ToPort)
	if from == -1 && to == -1 {
		return true
	}
	return from <= port && port <= to
}

// describePerm says what ingress rule p admits from sources, for evidence.
func describePerm(p types.IpPermission, sources []string) string {
	return describeDir(p, "from", sources)
}

// describeDir says what p allows from (ingress) or to (egress) peers.
func describeDir(p types.IpPermission, dir string, peers []string) string {
	if allProtocols(p) {
		return "all traffic " + dir + " " + strings.Join(peers, ",")
	}
	return fmt.Sprintf("%s %d-%d %s %s", aws.ToString(p.IpProtocol), aws.ToInt32(p.FromPort), aws.ToInt32(p.ToPort), dir, strings.Join(peers, ","))
}
