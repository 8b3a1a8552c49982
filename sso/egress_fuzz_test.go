package sso_test

import (
	"bytes"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/sso"
)

// refBlocked is a reference for sso.NonPublicReason written from the
// IANA special-purpose registries with package net's types: it reports
// whether ip is refused.
func refBlocked(ip net.IP) bool {
	if v4 := ip.To4(); v4 != nil { // also unmaps ::ffff:a.b.c.d
		return inAny(v4, refV4)
	}
	switch {
	case inAny(ip, refEmbedding[:1]): // NAT64 64:ff9b::/96
		return refBlocked(ip[12:16])
	case inAny(ip, refEmbedding[1:]): // 6to4 2002::/16
		return refBlocked(ip[2:6])
	}
	return inAny(ip, refV6) || !inAny(ip, refGlobal)
}

func cidrs(list ...string) []*net.IPNet {
	out := make([]*net.IPNet, len(list))
	for i, s := range list {
		_, n, err := net.ParseCIDR(s)
		if err != nil {
			panic(err)
		}
		out[i] = n
	}
	return out
}

var (
	refV4 = cidrs("0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
		"192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
		"203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4")
	refV6 = cidrs("::/96", "::1/128", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32", "3fff::/20",
		"5f00::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8")
	refEmbedding = cidrs("64:ff9b::/96", "2002::/16")
	refGlobal    = cidrs("2000::/3")
)

func inAny(ip net.IP, list []*net.IPNet) bool {
	for _, n := range list {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// FuzzNonPublicReason checks that no input panics the classifier or the
// Control function, that the two agree, and that on every address
// package net parses the classifier agrees with refBlocked.
func FuzzNonPublicReason(f *testing.F) {
	for _, s := range []string{"8.8.8.8", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "0.0.0.0", "::", "169.254.169.254",
		"100.64.0.1", "fd00::1", "2001:4860:4860::8888", "fe80::1%eth0", "64:ff9b::a9fe:a9fe", "2002:c0a8:101::1",
		"::127.0.0.1", "255.255.255.255", "not an address", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ip, perr := netip.ParseAddr(s)
		reason := sso.NonPublicReason(ip) // the zero Addr when s does not parse
		if perr != nil && reason == "" {
			t.Fatalf("%q does not parse but is public", s)
		}
		err := sso.PublicOnlyDialControl("tcp", net.JoinHostPort(s, "443"), nil)
		if (err == nil) != (reason == "") {
			t.Fatalf("%q: Control says %v, the classifier %q", s, err, reason)
		}
		host, _, _ := strings.Cut(s, "%") // package net has no zones
		ref := net.ParseIP(host)
		if perr != nil || ref == nil {
			return
		}
		if want := refBlocked(ref); want != (reason != "") {
			t.Fatalf("%q: classifier %q, reference blocked=%v", s, reason, want)
		}
	})
}

// TestFuzzCorpusIsChecked makes sure the seed corpus in testdata is
// there, so the fuzz target's seeds run with every go test.
func TestFuzzCorpusIsChecked(t *testing.T) {
	files, err := os.ReadDir(filepath.Join("testdata", "fuzz", "FuzzNonPublicReason"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no seed corpus: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join("testdata", "fuzz", "FuzzNonPublicReason", f.Name()))
		if err != nil || !bytes.HasPrefix(b, []byte("go test fuzz v1\nstring(")) {
			t.Fatalf("%s is not a string seed: %v", f.Name(), err)
		}
	}
}
