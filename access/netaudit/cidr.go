package netaudit

import (
	"math/big"
	"net/netip"
)

// nonPublic4 are the IPv4 special-purpose ranges (RFC 6890 and IANA's
// registry) that are not reachable from the internet: this network,
// private, shared (CGNAT), loopback, link-local, protocol assignments,
// documentation, benchmarking, multicast and reserved. They do not
// overlap.
var nonPublic4 = prefixes("0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
	"192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4")

// public6 is the IPv6 global unicast space; documentation6 is the part of
// it that is never routed.
var (
	public6        = netip.MustParsePrefix("2000::/3")
	documentation6 = netip.MustParsePrefix("2001:db8::/32")
)

func prefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// size is the number of addresses in p.
func size(p netip.Prefix) *big.Int {
	return new(big.Int).Lsh(big.NewInt(1), uint(p.Addr().BitLen()-p.Bits()))
}

// overlap is the size of the intersection of two prefixes of one family:
// the smaller one when one contains the other, else nothing.
func overlap(a, b netip.Prefix) *big.Int {
	if a.Addr().BitLen() != b.Addr().BitLen() || !a.Overlaps(b) {
		return new(big.Int)
	}
	if a.Bits() >= b.Bits() {
		return size(a)
	}
	return size(b)
}

// publicAddresses counts the internet-routable addresses p covers.
func publicAddresses(p netip.Prefix) *big.Int {
	p = p.Masked()
	if p.Addr().Is4() {
		n := size(p)
		for _, r := range nonPublic4 {
			n.Sub(n, overlap(p, r))
		}
		return n
	}
	n := overlap(p, public6)
	return n.Sub(n, overlap(p, documentation6))
}

// wideOpen reports whether cidr covers more public addresses than one
// network of prefix length max4 (IPv4) or max6 (IPv6) does. A CIDR that
// does not parse is treated as open: AWS accepts only valid ones, so it
// can only come from a broken reader, and failing loud is the safe side.
func wideOpen(cidr string, max4, max6 int) bool {
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return true
	}
	limit := 32 - max4
	if !p.Addr().Is4() {
		limit = 128 - max6
	}
	return publicAddresses(p).Cmp(new(big.Int).Lsh(big.NewInt(1), uint(limit))) > 0
}
