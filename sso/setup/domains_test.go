package setup_test

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ssokit/ssokit/domains"
	"github.com/ssokit/ssokit/sso/setup"
	"github.com/ssokit/ssokit/ssotest"
)

// txtZone answers TXT lookups from a map, standing in for the tenant's
// DNS provider. The DNS proof itself is tested against a real DNS server
// in package domains; here the subject is the setup handler.
type txtZone struct {
	mu      sync.Mutex
	records map[string][]string
	failing map[string]bool // SERVFAIL
}

func newTXTZone() *txtZone {
	return &txtZone{records: map[string][]string{}, failing: map[string]bool{}}
}

func (z *txtZone) publish(name string, values ...string) {
	z.mu.Lock()
	defer z.mu.Unlock()
	z.records[name+"."] = values
}

func (z *txtZone) fail(name string, on bool) {
	z.mu.Lock()
	defer z.mu.Unlock()
	z.failing[name+"."] = on
}

// LookupTXT implements domains.Resolver.
func (z *txtZone) LookupTXT(_ context.Context, name string) ([]string, error) {
	z.mu.Lock()
	defer z.mu.Unlock()
	if z.failing[name] {
		return nil, &net.DNSError{Err: "server misbehaving", Name: name, IsTemporary: true}
	}
	v, ok := z.records[name]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
	}
	return v, nil
}

func findDomain(t *testing.T, c *client, name string) (setup.DomainView, bool) {
	t.Helper()
	var list []setup.DomainView
	c.json("GET", "/setup/api/domains", nil, 200, &list)
	for _, d := range list {
		if d.Name == name {
			return d, true
		}
	}
	return setup.DomainView{}, false
}

func TestDomainsClaimAndVerifyByDNS(t *testing.T) {
	e := newEnv(t)
	c := e.openLink(t, "acme")
	var d setup.DomainView
	c.json("POST", "/setup/api/domains", setup.DomainInput{Domain: "Acme-Labs.Example."}, 200, &d)
	if d.Name != "acme-labs.example" || d.State != domains.Pending {
		t.Fatalf("claimed %+v, want acme-labs.example pending", d)
	}
	if d.RecordName != "_ssokit-verification.acme-labs.example" || len(d.RecordValue) < 26 {
		t.Fatalf("TXT record to publish: %q = %q", d.RecordName, d.RecordValue)
	}
	var res setup.VerifyResult
	c.json("POST", "/setup/api/domains/acme-labs.example/verify", nil, 200, &res)
	if res.Verified || res.Domain.State != domains.Pending || !strings.Contains(res.Result, "no TXT record at _ssokit-verification.acme-labs.example") {
		t.Fatalf("verify with no record: %+v", res)
	}
	e.txt.publish(d.RecordName, "v=spf1 -all", "someone-else")
	c.json("POST", "/setup/api/domains/acme-labs.example/verify", nil, 200, &res)
	if res.Verified || !strings.Contains(res.Result, "do not hold the expected token") {
		t.Fatalf("verify with a wrong token: %+v", res)
	}
	if ok, _ := e.dom.VerifiedFor(t.Context(), "acme", "ann@acme-labs.example"); ok {
		t.Fatal("a pending domain is trusted")
	}
	e.txt.publish(d.RecordName, "v=spf1 -all", d.RecordValue)
	res = setup.VerifyResult{} // decode into a fresh value: omitted fields must stay empty
	c.json("POST", "/setup/api/domains/acme-labs.example/verify", nil, 200, &res)
	if !res.Verified || res.Domain.State != domains.Verified || res.Domain.VerifiedAt == nil {
		t.Fatalf("verify with the token published: %+v", res)
	}
	if res.Domain.RecordValue != "" || res.Domain.RecordName != "" {
		t.Fatalf("a verified domain still shows its token: %+v", res.Domain)
	}
	if ok, err := e.dom.VerifiedFor(t.Context(), "acme", "ann@acme-labs.example"); !ok || err != nil {
		t.Fatalf("verified through setup but not trusted: %v %v", ok, err)
	}
}

func TestDomainsTemporaryFailureChangesNothing(t *testing.T) {
	e := newEnv(t)
	c := e.openLink(t, "acme")
	var d setup.DomainView
	c.json("POST", "/setup/api/domains", setup.DomainInput{Domain: "flaky.example"}, 200, &d)
	e.txt.publish(d.RecordName, d.RecordValue)
	e.txt.fail(d.RecordName, true)
	before, _ := findDomain(t, c, "flaky.example")
	var body setup.APIError
	c.json("POST", "/setup/api/domains/flaky.example/verify", nil, http.StatusServiceUnavailable, &body)
	if !strings.Contains(body.Error, "nothing was changed, try again") {
		t.Fatalf("temporary failure message: %q", body.Error)
	}
	after, _ := findDomain(t, c, "flaky.example")
	if after.State != domains.Pending || after.LastResult != before.LastResult || after.LastCheckedAt != nil {
		t.Fatalf("a temporary failure changed the record: %+v -> %+v", before, after)
	}
	e.txt.fail(d.RecordName, false)
	var res setup.VerifyResult
	c.json("POST", "/setup/api/domains/flaky.example/verify", nil, 200, &res)
	if !res.Verified {
		t.Fatalf("verify after the DNS recovered: %+v", res)
	}
}

func TestDomainsRefusedNames(t *testing.T) {
	e := newEnv(t)
	c := e.openLink(t, "acme")
	for _, tc := range []struct{ in, want string }{
		{"gmail.com", "consumer mail domain"},
		{"Mail.Outlook.com", "consumer mail domain"},
		{"co.uk", "public suffix"},
		{"com", "top-level name"},
		{"bad..example", "not a valid domain name"},
		{"", "not a valid domain name"},
	} {
		var body setup.APIError
		c.json("POST", "/setup/api/domains", setup.DomainInput{Domain: tc.in}, http.StatusBadRequest, &body)
		if len(body.Problems) != 1 || body.Problems[0].Field != "domain" || !strings.Contains(body.Error, tc.want) {
			t.Errorf("claim %q: %+v, want a problem on field domain saying %q", tc.in, body, tc.want)
		}
	}
	var list []setup.DomainView
	c.json("GET", "/setup/api/domains", nil, 200, &list)
	if len(list) != 1 || list[0].Name != "acme.example" {
		t.Fatalf("refused names were recorded: %+v", list)
	}
}

func TestDomainsConflictDoesNotNameTheHolder(t *testing.T) {
	e := newEnv(t)
	if _, err := e.dom.VerifyManually(t.Context(), "globex", "shared.example", domains.Override{Operator: "ops", Reason: "fixture"}); err != nil {
		t.Fatal(err)
	}
	c := e.openLink(t, "beta")
	var body setup.APIError
	text := c.json("POST", "/setup/api/domains", setup.DomainInput{Domain: "Shared.Example."}, http.StatusConflict, &body)
	if !strings.Contains(body.Error, "verified by another organisation") || strings.Contains(text, "globex") {
		t.Fatalf("conflict answer %s: must refuse without naming the holder", text)
	}
	if _, ok := findDomain(t, c, "shared.example"); ok {
		t.Fatal("the refused claim was recorded")
	}
	var ev []setup.AuditEvent
	c.json("GET", "/setup/api/audit", nil, 200, &ev)
	if len(ev) == 0 || ev[0].Action != "domain.conflict" || ev[0].Domain != "shared.example" {
		t.Fatalf("conflict not audited: %+v", ev)
	}
}

func TestDomainsTenantComesFromTheSession(t *testing.T) {
	e := newEnv(t)
	a := e.openLink(t, "acme")
	var d setup.DomainView
	a.json("POST", "/setup/api/domains", setup.DomainInput{Domain: "acme-eu.example"}, 200, &d)
	e.txt.publish(d.RecordName, d.RecordValue)

	b := e.openLink(t, "beta")
	var list []setup.DomainView
	b.json("GET", "/setup/api/domains", nil, 200, &list)
	if len(list) != 0 {
		t.Fatalf("beta sees another tenant's domains: %+v", list)
	}
	b.json("POST", "/setup/api/domains/acme-eu.example/verify", nil, http.StatusNotFound, nil)
	b.json("POST", "/setup/api/domains/acme.example/subdomains", setup.SubdomainsInput{Include: true}, http.StatusNotFound, nil)
	if got, _ := e.dom.Get(t.Context(), "acme", "acme-eu.example"); got.State != domains.Pending || !got.LastCheckedAt.IsZero() {
		t.Fatalf("beta's request touched acme's domain: %+v", got)
	}
	if got, _ := e.dom.Get(t.Context(), "acme", "acme.example"); got.IncludeSubdomains {
		t.Fatal("beta switched acme's subdomain flag")
	}
}

func TestDomainsWritesNeedCSRF(t *testing.T) {
	e := newEnv(t)
	c := e.openLink(t, "acme")
	tok := c.csrf
	c.csrf = ""
	c.json("POST", "/setup/api/domains", setup.DomainInput{Domain: "csrf.example"}, http.StatusForbidden, nil)
	res, _ := c.form("/setup/domains", url.Values{"domain": {"csrf.example"}, "csrf": {"wrong"}})
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("form claim with a wrong CSRF token: %d", res.StatusCode)
	}
	c.json("POST", "/setup/api/domains/acme.example/subdomains", setup.SubdomainsInput{Include: true}, http.StatusForbidden, nil)
	c.csrf = tok
	if _, ok := findDomain(t, c, "csrf.example"); ok {
		t.Fatal("a claim without the CSRF token was recorded")
	}
	if d, _ := findDomain(t, c, "acme.example"); d.IncludeSubdomains {
		t.Fatal("a change without the CSRF token was applied")
	}
}

func TestDomainsAuditNeverHoldsTheToken(t *testing.T) {
	e := newEnv(t)
	c := e.openLink(t, "acme")
	var d setup.DomainView
	c.json("POST", "/setup/api/domains", setup.DomainInput{Domain: "audited.example"}, 200, &d)
	c.json("POST", "/setup/api/domains/audited.example/verify", nil, 200, nil)
	e.txt.publish(d.RecordName, d.RecordValue)
	c.json("POST", "/setup/api/domains/audited.example/verify", nil, 200, nil)
	var ev []setup.AuditEvent
	text := c.json("GET", "/setup/api/audit", nil, 200, &ev)
	var actions []string
	for _, x := range ev {
		if x.Domain != "audited.example" || x.Actor != "setup-link" {
			t.Errorf("event %+v: want domain audited.example by setup-link", x)
		}
		actions = append(actions, x.Action+" "+x.Detail)
	}
	want := []string{"domain.verify verified", "domain.verify not verified", "domain.claim pending"}
	if len(actions) != len(want) {
		t.Fatalf("audit %q, want %q", actions, want)
	}
	for i := range want {
		if !strings.HasPrefix(actions[i], want[i]) {
			t.Errorf("audit[%d] = %q, want prefix %q", i, actions[i], want[i])
		}
	}
	if strings.Contains(text, d.RecordValue) {
		t.Fatal("the audit log holds the verification token")
	}
}

func TestDomainsSubdomainFlag(t *testing.T) {
	e := newEnv(t)
	c := e.openLink(t, "acme")
	if ok, _ := e.dom.VerifiedFor(t.Context(), "acme", "ann@eu.acme.example"); ok {
		t.Fatal("subdomains covered by default")
	}
	var d setup.DomainView
	c.json("POST", "/setup/api/domains/acme.example/subdomains", setup.SubdomainsInput{Include: true}, 200, &d)
	if !d.IncludeSubdomains {
		t.Fatalf("flag not set: %+v", d)
	}
	if ok, _ := e.dom.VerifiedFor(t.Context(), "acme", "ann@eu.acme.example"); !ok {
		t.Fatal("subdomain not trusted after including subdomains")
	}
	c.json("POST", "/setup/api/domains/acme.example/subdomains", setup.SubdomainsInput{}, 200, &d)
	if ok, _ := e.dom.VerifiedFor(t.Context(), "acme", "ann@eu.acme.example"); ok || d.IncludeSubdomains {
		t.Fatal("subdomain still trusted after excluding subdomains")
	}
}

func TestDomainsExpiredClaimStartsOver(t *testing.T) {
	e := newEnv(t)
	c := e.openLink(t, "acme")
	var d setup.DomainView
	c.json("POST", "/setup/api/domains", setup.DomainInput{Domain: "slow.example"}, 200, &d)
	e.now = e.now.Add(domains.DefaultPendingExpiry + time.Hour)
	c = e.openLink(t, "acme") // the first link has expired meanwhile
	e.txt.publish(d.RecordName, d.RecordValue)
	var body setup.APIError
	c.json("POST", "/setup/api/domains/slow.example/verify", nil, http.StatusConflict, &body)
	if !strings.Contains(body.Error, "claim it again") {
		t.Fatalf("expired claim: %q", body.Error)
	}
	if got, _ := findDomain(t, c, "slow.example"); got.State != domains.Failed || got.RecordValue != "" {
		t.Fatalf("expired claim is %+v, want failed without a token", got)
	}
	var again setup.DomainView
	c.json("POST", "/setup/api/domains", setup.DomainInput{Domain: "slow.example"}, 200, &again)
	if again.State != domains.Pending || again.RecordValue == "" || again.RecordValue == d.RecordValue {
		t.Fatalf("claiming again: %+v, want pending with a new token", again)
	}
}

// A connection routing by a domain the tenant has not verified says so:
// home-realm discovery ignores that domain until it is verified.
func TestConnectionWarnsAboutUnverifiedRoutingDomains(t *testing.T) {
	e := newEnv(t)
	idp := ssotest.NewSAMLIdP(ssotest.SAMLUser{NameID: "ada@acme.example"})
	t.Cleanup(idp.Close)
	c := e.openLink(t, "acme")
	in := map[string]any{"id": "okta", "kind": "saml", "domains": []string{"acme.example", "acme-unproven.example"},
		"parameters": map[string]any{"metadataUrl": idp.URL + "/metadata"}}
	var res setup.SaveResult
	c.json("POST", "/setup/api/connections", in, 201, &res)
	w := res.Connection.Warnings
	if len(w) != 1 || w[0].Field != "domains" || !strings.HasPrefix(w[0].Message, "acme-unproven.example is not verified") {
		t.Fatalf("warnings %+v, want one for acme-unproven.example", w)
	}
	var d setup.DomainView
	c.json("POST", "/setup/api/domains", setup.DomainInput{Domain: "acme-unproven.example"}, 200, &d)
	e.txt.publish(d.RecordName, d.RecordValue)
	c.json("POST", "/setup/api/domains/acme-unproven.example/verify", nil, 200, nil)
	var v setup.ConnectionView
	c.json("GET", "/setup/api/connections/okta", nil, 200, &v)
	if len(v.Warnings) != 0 {
		t.Fatalf("warnings after verifying the domain: %+v", v.Warnings)
	}
}

// Claiming a domain the tenant has already verified changes nothing; the
// page and the audit log say it is verified, not pending.
func TestDomainsClaimingAVerifiedDomainSaysSo(t *testing.T) {
	e := newEnv(t)
	c := e.openLink(t, "acme")
	res, body := c.form("/setup/domains", url.Values{"domain": {"acme.example"}})
	if res.StatusCode != 200 || !strings.Contains(body, "acme.example is already verified") || strings.Contains(body, "Claimed acme.example") {
		t.Fatalf("claiming a verified domain: %d %s", res.StatusCode, body)
	}
	var ev []setup.AuditEvent
	c.json("GET", "/setup/api/audit", nil, 200, &ev)
	if len(ev) == 0 || ev[0].Action != "domain.claim" || !strings.HasPrefix(ev[0].Detail, "verified: ") {
		t.Fatalf("audit %+v, want domain.claim with detail verified: ...", ev)
	}
	if d, _ := findDomain(t, c, "acme.example"); d.State != domains.Verified {
		t.Fatalf("the claim changed the verified domain: %+v", d)
	}
}

// A domain an operator moved to another organisation is failed for its
// former holder; Verify now does not claim it simply ran out of time.
func TestDomainsVerifyAfterTransferNamesTheTransfer(t *testing.T) {
	e := newEnv(t)
	if _, err := e.dom.Transfer(t.Context(), "globex", "acme.example", domains.Override{Operator: "ops", Reason: "ticket 9"}); err != nil {
		t.Fatal(err)
	}
	c := e.openLink(t, "acme")
	var body setup.APIError
	c.json("POST", "/setup/api/domains/acme.example/verify", nil, http.StatusConflict, &body)
	if !strings.Contains(body.Error, "moved to another organisation") || strings.Contains(body.Error, "globex") {
		t.Fatalf("verify after a transfer: %q", body.Error)
	}
}

// A routing domain written in Unicode is matched against its verified
// record, which holds the ASCII form.
func TestConnectionRoutingDomainInUnicodeIsMatched(t *testing.T) {
	e := newEnv(t)
	if _, err := e.dom.VerifyManually(t.Context(), "acme", "bücher.example", domains.Override{Operator: "ops", Reason: "fixture"}); err != nil {
		t.Fatal(err)
	}
	idp := ssotest.NewSAMLIdP(ssotest.SAMLUser{NameID: "ada@acme.example"})
	t.Cleanup(idp.Close)
	c := e.openLink(t, "acme")
	in := map[string]any{"id": "okta", "kind": "saml", "domains": []string{"Bücher.example"},
		"parameters": map[string]any{"metadataUrl": idp.URL + "/metadata"}}
	var res setup.SaveResult
	c.json("POST", "/setup/api/connections", in, 201, &res)
	if len(res.Connection.Warnings) != 0 {
		t.Fatalf("warnings %+v for a verified domain", res.Connection.Warnings)
	}
}
