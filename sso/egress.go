package sso

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// The addresses an identity provider URL may reach. Tenant admins type
// metadata URLs and discovery endpoints that the server then fetches, so
// by default those requests go only to public internet addresses: a
// hostile admin cannot make the server read its own loopback services,
// the internal network or a cloud metadata endpoint (server-side request
// forgery). The check runs when a connection is dialed, after DNS
// resolution, on the address actually connected to, so a name that
// resolves to a public address once and to 127.0.0.1 the next time (DNS
// rebinding) is still refused, and so is every redirect target.

// BlockedAddressError is the error of a connection refused by
// [PublicOnlyDialControl]: the address is not on the public internet.
// Requests made with [NewPublicClient] return it wrapped in *url.Error
// and *net.OpError; find it with errors.As.
type BlockedAddressError struct {
	// Host is the host name of the URL, e.g. "idp.example.com" (empty
	// when only the address is known).
	Host string
	// IP is the address refused.
	IP netip.Addr
	// Reason says what the address is, e.g. "a loopback address".
	Reason string
}

// Error says which address was refused, why, and what to change.
func (e *BlockedAddressError) Error() string {
	addr, who := "the address", e.Host
	if e.IP.IsValid() {
		addr = e.IP.String()
		if who == "" || who == addr {
			who = addr
		} else {
			who += " (" + addr + ")"
		}
	}
	return fmt.Sprintf("sso: refused to connect to %s: %s is %s; identity providers must be reachable on the public internet, or set Config.AllowPrivateNetworks",
		cmp.Or(who, "an unknown host"), addr, e.Reason)
}

// PublicOnlyDialControl is a net.Dialer Control function that refuses
// to connect to any address that is not a public internet address (see
// [NonPublicReason]), with a [*BlockedAddressError]. It sees the resolved
// address of every connection attempt, so DNS rebinding and redirects
// cannot get around it. An address it cannot parse is refused too.
func PublicOnlyDialControl(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &BlockedAddressError{Reason: "not an IP address and port (" + network + " " + address + ")"}
	}
	if reason := NonPublicReason(ap.Addr()); reason != "" {
		return &BlockedAddressError{IP: ap.Addr(), Reason: reason}
	}
	return nil
}

// NewPublicClient returns an HTTP client that connects only to public
// internet addresses ([PublicOnlyDialControl]). It ignores the
// HTTP_PROXY and HTTPS_PROXY environment variables (a proxy would make
// the check see only the proxy's address) and bounds each step: 10s to
// connect, 10s for the TLS handshake, 15s for the response headers and
// 30s for the whole request. It is the default of Config.HTTPClient and
// of the setup handler's.
func NewPublicClient() *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: PublicOnlyDialControl}
	t := &http.Transport{
		Proxy:                 nil,
		DialContext:           namedDial(d),
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 15 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	return &http.Client{Transport: t, Timeout: 30 * time.Second}
}

// namedDial dials with d and adds the host name the URL gave to a
// refusal, which the Control function, seeing only addresses, cannot.
func namedDial(d *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := d.DialContext(ctx, network, addr)
		var b *BlockedAddressError
		if errors.As(err, &b) && b.Host == "" {
			b.Host, _, _ = net.SplitHostPort(addr)
		}
		return conn, err
	}
}

// defaultClient is the HTTP client used when a configuration gives none:
// public addresses only, unless private networks are allowed.
func defaultClient(allowPrivate bool) *http.Client {
	if allowPrivate {
		return http.DefaultClient
	}
	return NewPublicClient()
}
