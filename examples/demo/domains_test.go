package main

import (
	"context"
	"errors"
	"html"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/ssokit/ssokit/domains"
)

// fakeDNS answers TXT lookups from a map; a missing name is NXDOMAIN.
// Fail, when set, is returned for every lookup (a SERVFAIL or timeout).
type fakeDNS struct {
	mu      sync.Mutex
	records map[string][]string
	fail    error
	lookups []string
}

func (f *fakeDNS) LookupTXT(_ context.Context, name string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lookups = append(f.lookups, name)
	if f.fail != nil {
		return nil, f.fail
	}
	if txt, ok := f.records[name]; ok {
		return txt, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

func (f *fakeDNS) set(records map[string][]string, fail error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.records, f.fail = records, fail
}

func (f *fakeDNS) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.lookups)
}

// domainSection returns the page's section for one domain, or "".
func domainSection(page, name string) string {
	_, rest, ok := strings.Cut(page, `<section class="domain" id="domain-`+name+`">`)
	if !ok {
		return ""
	}
	section, _, _ := strings.Cut(rest, "</section>")
	return html.UnescapeString(section)
}

func TestDomainsPageShowsVerifiedAndPendingDomains(t *testing.T) {
	dns := &fakeDNS{}
	a, _ := startDemoWith(t, dns)
	if n := dns.count(); n != 0 {
		t.Errorf("start-up made %d DNS lookups, want none (the demo runs offline)", n)
	}
	pending, err := a.domains.Get(t.Context(), "acme", "acme-labs.example")
	if err != nil || pending.Token == "" {
		t.Fatalf("acme-labs.example not claimed: %+v, %v", pending, err)
	}
	resp, page := newBrowser(t).get(a.URL + "/t/acme/domains")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("domains page answered %d:\n%s", resp.StatusCode, page)
	}

	t.Run("the manual domain is verified, without a record to publish", func(t *testing.T) {
		s := domainSection(page, "acme.example")
		for _, want := range []string{"verified: emails here are trusted", "vouched for by the operator (demo tenant)"} {
			if !strings.Contains(s, want) {
				t.Errorf("acme.example lacks %q:\n%s", want, s)
			}
		}
		if strings.Contains(s, "Verify now") || strings.Contains(s, "_ssokit-verification") {
			t.Errorf("a verified domain offers a record to publish:\n%s", s)
		}
	})
	t.Run("the pending domain shows its TXT record name and token", func(t *testing.T) {
		s := domainSection(page, "acme-labs.example")
		for _, want := range []string{"pending: waiting for the DNS record", "DNS TXT record",
			`<code class="record-name">_ssokit-verification.acme-labs.example</code>`,
			`<code class="token">` + pending.Token + `</code>`, "Verify now"} {
			if !strings.Contains(s, want) {
				t.Errorf("acme-labs.example lacks %q:\n%s", want, s)
			}
		}
	})
	t.Run("another tenant's domains are not shown", func(t *testing.T) {
		for _, other := range []string{"globex", "initech"} {
			if strings.Contains(page, other) {
				t.Errorf("acme's page mentions %s", other)
			}
		}
		_, globex := newBrowser(t).get(a.URL + "/t/globex/domains")
		if domainSection(globex, "globex-research.example") == "" || strings.Contains(globex, "acme") {
			t.Errorf("globex's page shows the wrong domains:\n%s", globex)
		}
	})
	t.Run("an unknown tenant has no page", func(t *testing.T) {
		if resp, _ := newBrowser(t).get(a.URL + "/t/umbrella/domains"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown tenant answered %d, want 404", resp.StatusCode)
		}
	})
	t.Run("the login page links to it", func(t *testing.T) {
		_, login := newBrowser(t).get(a.URL + "/t/acme/login")
		if !strings.Contains(login, `href="/t/acme/domains"`) {
			t.Errorf("login page does not link to the domains page:\n%s", login)
		}
	})
}

func TestVerifyNow(t *testing.T) {
	dns := &fakeDNS{}
	a, _ := startDemoWith(t, dns)
	const record = "_ssokit-verification.acme-labs.example."
	verify := func(t *testing.T, tenant, domain string) (*http.Response, string) {
		t.Helper()
		return newBrowser(t).post(a.URL+"/t/"+tenant+"/domains/verify", url.Values{"domain": {domain}})
	}
	state := func(t *testing.T, tenant, domain string) domains.State {
		t.Helper()
		d, err := a.domains.Get(t.Context(), tenant, domain)
		if err != nil {
			t.Fatal(err)
		}
		return d.State
	}
	for _, tc := range []struct {
		name      string
		records   map[string][]string
		fail      error
		want      string
		wantState domains.State
	}{
		{"NXDOMAIN says there is no record and stays pending", nil, nil,
			"still pending: no TXT record at _ssokit-verification.acme-labs.example", domains.Pending},
		{"a wrong value stays pending", map[string][]string{record: {"not-the-token"}}, nil,
			"do not hold the expected token", domains.Pending},
		{"a server failure changes nothing", nil, &net.DNSError{Err: "server misbehaving", IsTemporary: true},
			"nothing changed: could not look up _ssokit-verification.acme-labs.example", domains.Pending},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dns.set(tc.records, tc.fail)
			resp, page := verify(t, "acme", "acme-labs.example")
			if resp.StatusCode != http.StatusOK || strings.Contains(page, `id="error"`) {
				t.Fatalf("Verify now answered %d:\n%s", resp.StatusCode, page)
			}
			if !strings.Contains(html.UnescapeString(page), tc.want) {
				t.Errorf("result lacks %q:\n%s", tc.want, page)
			}
			if got := state(t, "acme", "acme-labs.example"); got != tc.wantState {
				t.Errorf("state %s, want %s", got, tc.wantState)
			}
		})
	}
	t.Run("another tenant's domain cannot be verified from this tenant", func(t *testing.T) {
		dns.set(nil, errors.New("must not be looked up"))
		before := dns.count()
		resp, page := verify(t, "acme", "globex-research.example")
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(page, `id="error"`) {
			t.Errorf("got %d, want 404 with an error:\n%s", resp.StatusCode, page)
		}
		if dns.count() != before {
			t.Error("a lookup was made for another tenant's domain")
		}
	})
	t.Run("the published token verifies the domain", func(t *testing.T) {
		d, err := a.domains.Get(t.Context(), "acme", "acme-labs.example")
		if err != nil {
			t.Fatal(err)
		}
		dns.set(map[string][]string{record: {"v=other", d.Token}}, nil)
		resp, page := verify(t, "acme", "acme-labs.example")
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, "acme-labs.example is verified") {
			t.Fatalf("got %d:\n%s", resp.StatusCode, page)
		}
		if got := state(t, "acme", "acme-labs.example"); got != domains.Verified {
			t.Errorf("state %s, want verified", got)
		}
		if s := domainSection(page, "acme-labs.example"); !strings.Contains(s, "verified: emails here") || strings.Contains(s, d.Token) {
			t.Errorf("the page does not show acme-labs.example verified:\n%s", s)
		}
	})
}

// Domain changes no admin made reach the tenant's change log; the
// routine ones (made on the setup pages) are recorded there instead.
func TestBackgroundDomainEventsAreAudited(t *testing.T) {
	a, _ := startDemo(t)
	a.auditDomainEvent(domains.Event{Kind: domains.EventRecheckLost, Tenant: "acme", Domain: "acme-labs.example"})
	a.auditDomainEvent(domains.Event{Kind: domains.EventClaimed, Tenant: "acme", Domain: "other.example"})
	log, err := a.store.AuditLog(t.Context(), "acme", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) == 0 || log[0].Action != "domain.recheck_lost" || log[0].Target != "acme-labs.example" || log[0].Actor != "domain checks" {
		t.Fatalf("latest audit event %+v, want the lost re-check", log)
	}
	for _, e := range log {
		if e.Target == "other.example" {
			t.Errorf("a routine event was recorded: %+v", e)
		}
	}
}

// An operator's transfer is in the change log of the tenant that lost
// the domain, not only of the one that received it.
func TestTransferIsAuditedForTheFormerHolder(t *testing.T) {
	a, _ := startDemo(t)
	if _, err := a.domains.Transfer(t.Context(), "globex", "acme.example", domains.Override{Operator: "ops", Reason: "ticket 7"}); err != nil {
		t.Fatal(err)
	}
	for _, tenant := range []string{"acme", "globex"} {
		log, err := a.store.AuditLog(t.Context(), tenant, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(log) == 0 || log[0].Action != "domain.transferred" || log[0].Target != "acme.example" || log[0].Actor != "ops" {
			t.Errorf("%s's latest audit event %+v, want the transfer of acme.example by ops", tenant, log)
		}
	}
}
