package domains_test

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// authServer is an in-process authoritative DNS server on 127.0.0.1 with
// a random UDP port. Records can be changed while it runs.
type authServer struct {
	addr string

	mu       sync.Mutex
	records  map[string][]dns.RR // by lower-case FQDN
	servfail map[string]bool
}

func newAuthServer(t *testing.T) *authServer {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &authServer{addr: pc.LocalAddr().String(),
		records: map[string][]dns.RR{}, servfail: map[string]bool{}}
	started := make(chan struct{})
	srv := &dns.Server{PacketConn: pc, Handler: s, NotifyStartedFunc: func() { close(started) }}
	go func() { _ = srv.ActivateAndServe() }()
	<-started
	t.Cleanup(func() { _ = srv.Shutdown() })
	return s
}

// resolverFor returns a resolver that sends every query to addr. On Unix,
// net.Resolver.LookupTXT always uses the Go DNS client (PreferGo or not),
// so this is the code path of the default resolver, net.DefaultResolver;
// only Dial differs.
func resolverFor(addr string) *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", addr)
	}}
}

func (s *authServer) resolver() *net.Resolver { return resolverFor(s.addr) }

func fqdn(name string) string { return strings.ToLower(dns.Fqdn(name)) }

// txt publishes one TXT record at name made of the given strings.
func (s *authServer) txt(name string, parts ...string) {
	s.add(&dns.TXT{Hdr: hdr(name, dns.TypeTXT), Txt: parts})
}

func (s *authServer) cname(name, target string) {
	s.add(&dns.CNAME{Hdr: hdr(name, dns.TypeCNAME), Target: fqdn(target)})
}

func (s *authServer) a(name string) {
	s.add(&dns.A{Hdr: hdr(name, dns.TypeA), A: net.IPv4(192, 0, 2, 1)})
}

func (s *authServer) failWith(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.servfail[fqdn(name)] = true
}

func (s *authServer) clear(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.records, fqdn(name))
	delete(s.servfail, fqdn(name))
}

func (s *authServer) add(rr dns.RR) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := rr.Header().Name
	s.records[n] = append(s.records[n], rr)
}

func hdr(name string, typ uint16) dns.RR_Header {
	return dns.RR_Header{Name: fqdn(name), Rrtype: typ, Class: dns.ClassINET, Ttl: 60}
}

// ServeDNS answers authoritatively, following CNAMEs inside the zone.
func (s *authServer) ServeDNS(w dns.ResponseWriter, r *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(r)
	m.Authoritative = true
	if len(r.Question) == 1 {
		s.answer(m, r.Question[0])
	}
	_ = w.WriteMsg(m)
}

func (s *authServer) answer(m *dns.Msg, q dns.Question) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := strings.ToLower(q.Name)
	for hop := 0; hop < 8; hop++ {
		if s.servfail[name] {
			m.Rcode = dns.RcodeServerFailure
			return
		}
		rrs, ok := s.records[name]
		if !ok {
			m.Rcode = dns.RcodeNameError
			return
		}
		if c, isCNAME := rrs[0].(*dns.CNAME); isCNAME && q.Qtype != dns.TypeCNAME {
			m.Answer = append(m.Answer, c)
			name = c.Target
			continue
		}
		for _, rr := range rrs {
			if rr.Header().Rrtype == q.Qtype {
				m.Answer = append(m.Answer, rr)
			}
		}
		return
	}
}

// silentServer reads queries and never answers.
func silentServer(t *testing.T) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pc.Close() })
	go func() {
		buf := make([]byte, 2048)
		for {
			if _, _, err := pc.ReadFrom(buf); err != nil {
				return
			}
		}
	}()
	return pc.LocalAddr().String()
}

// clock is an injected, manually advanced clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
