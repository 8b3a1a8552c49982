package sso

import "net/netip"

// special is an address range that is not on the public internet.
type special struct {
	prefix netip.Prefix
	reason string
}

func specials(reason string, prefixes ...string) []special {
	out := make([]special, len(prefixes))
	for i, p := range prefixes {
		out[i] = special{netip.MustParsePrefix(p), reason}
	}
	return out
}

// specialV4 lists the IPv4 ranges of the IANA special-purpose registry
// that are not globally reachable and that net/netip's methods do not
// already name (loopback, RFC 1918, link-local, multicast).
var specialV4 = concat(
	specials("in 0.0.0.0/8 (\"this network\")", "0.0.0.0/8"),
	specials("a carrier-grade NAT (shared) address", "100.64.0.0/10"),
	specials("an IETF protocol assignment", "192.0.0.0/24"),
	specials("a documentation address", "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"),
	specials("a deprecated 6to4 relay address", "192.88.99.0/24"),
	specials("a benchmarking address", "198.18.0.0/15"),
	specials("a reserved address", "240.0.0.0/4"),
)

// specialV6 is the same for IPv6, beyond loopback, unique local (which
// netip calls private), link-local and multicast.
var specialV6 = concat(
	specials("a local-use NAT64 address", "64:ff9b:1::/48"),
	specials("a discard-only address", "100::/64"),
	specials("a documentation address", "2001:db8::/32", "3fff::/20"),
	specials("an IETF protocol assignment (Teredo, ORCHID, benchmarking)", "2001::/23"),
	specials("a segment routing (SRv6) address", "5f00::/16"),
	specials("a deprecated site-local address", "fec0::/10"),
)

// Ranges of IPv6 that carry an IPv4 address to which they lead.
var (
	v4Compatible = netip.MustParsePrefix("::/96")
	nat64        = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour    = netip.MustParsePrefix("2002::/16")
	globalV6     = netip.MustParsePrefix("2000::/3")
	broadcast    = netip.AddrFrom4([4]byte{255, 255, 255, 255})
)

func concat(lists ...[]special) []special {
	var out []special
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// NonPublicReason says why ip is not a public internet address, e.g. "a
// private address", or returns "" when it is one. Refused are loopback,
// private (RFC 1918, IPv6 unique local fc00::/7), carrier-grade NAT
// (100.64.0.0/10), link-local (169.254.0.0/16, fe80::/10), unspecified,
// multicast, broadcast, documentation, benchmarking and other reserved
// ranges, and IPv6 outside 2000::/3. An IPv6 address that carries an
// IPv4 one (IPv4-mapped ::ffff:0:0/96, NAT64 64:ff9b::/96, 6to4
// 2002::/16) is judged by its IPv4 address; the deprecated
// IPv4-compatible form ::/96 is always refused. The zone is ignored.
func NonPublicReason(ip netip.Addr) string {
	if !ip.IsValid() {
		return "not a valid IP address"
	}
	ip = ip.WithZone("")
	if ip.Is4In6() {
		return embedded(ip.Unmap(), "IPv4-mapped")
	}
	if ip.Is4() {
		return v4Reason(ip)
	}
	return v6Reason(ip)
}

// embedded judges the IPv4 address v4 carried by an IPv6 form.
func embedded(v4 netip.Addr, form string) string {
	if r := v4Reason(v4); r != "" {
		return r + " (" + form + " " + v4.String() + ")"
	}
	return ""
}

// basicReason names the classes net/netip knows, for either family;
// private is how the family calls its private range.
func basicReason(ip netip.Addr, private string) string {
	switch {
	case ip.IsUnspecified():
		return "an unspecified address"
	case ip.IsLoopback():
		return "a loopback address"
	case ip.IsPrivate():
		return private
	case ip.IsLinkLocalUnicast():
		return "a link-local address"
	case ip.IsMulticast():
		return "a multicast address"
	}
	return ""
}

func v4Reason(ip netip.Addr) string {
	if r := basicReason(ip, "a private address"); r != "" {
		return r
	}
	if ip == broadcast {
		return "the broadcast address"
	}
	return lookup(specialV4, ip)
}

func v6Reason(ip netip.Addr) string {
	if r := basicReason(ip, "a private (unique local) address"); r != "" {
		return r
	}
	switch {
	case v4Compatible.Contains(ip):
		if r := embedded(last4(ip), "IPv4-compatible"); r != "" {
			return r
		}
		return "a deprecated IPv4-compatible address"
	case nat64.Contains(ip):
		return embedded(last4(ip), "NAT64")
	case sixToFour.Contains(ip):
		b := ip.As16()
		return embedded(netip.AddrFrom4([4]byte(b[2:6])), "6to4")
	}
	if r := lookup(specialV6, ip); r != "" {
		return r
	}
	if !globalV6.Contains(ip) {
		return "not a global unicast address"
	}
	return ""
}

func last4(ip netip.Addr) netip.Addr {
	b := ip.As16()
	return netip.AddrFrom4([4]byte(b[12:16]))
}

func lookup(list []special, ip netip.Addr) string {
	for _, s := range list {
		if s.prefix.Contains(ip) {
			return s.reason
		}
	}
	return ""
}
