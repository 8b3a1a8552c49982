package setup_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ssokit/ssokit/domains"
	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/sso/setup"
)

// racingStore is a real domains.MemoryStore in which, once, another
// request writes the same record just before this one does: a second
// browser tab claiming the same name, or the background re-check
// updating a record between the handler's read and its write.
type racingStore struct {
	*domains.MemoryStore
	mu      sync.Mutex
	armed   bool
	created int
}

func (s *racingStore) arm() { s.mu.Lock(); s.armed = true; s.mu.Unlock() }

func (s *racingStore) fire() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.armed
	s.armed = false
	return f
}

func (s *racingStore) Create(ctx context.Context, d domains.Domain) (domains.Domain, error) {
	if s.fire() {
		if _, err := s.MemoryStore.Create(ctx, d); err != nil {
			return domains.Domain{}, err
		}
	}
	return s.MemoryStore.Create(ctx, d)
}

func (s *racingStore) Update(ctx context.Context, d domains.Domain) (domains.Domain, error) {
	if s.fire() {
		other := d
		other.LastResult = "checked by another instance"
		if _, err := s.MemoryStore.Update(ctx, other); err != nil {
			return domains.Domain{}, err
		}
	}
	return s.MemoryStore.Update(ctx, d)
}

// newRacingEnv is a setup handler whose domain service keeps its records
// in a racingStore.
func newRacingEnv(t *testing.T) (*env, *racingStore) {
	t.Helper()
	rs := &racingStore{MemoryStore: domains.NewMemoryStore()}
	zone := newTXTZone()
	dom, err := domains.New(domains.Config{Store: rs, Resolver: zone})
	if err != nil {
		t.Fatal(err)
	}
	store, err := sso.NewMemoryStore(sso.Secrets{})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{now: t0, store: store, dom: dom, txt: zone}
	mux := http.NewServeMux()
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	e.setup, err = setup.New(setup.Config{BaseURL: e.srv.URL + "/setup", SSOBaseURL: e.srv.URL + "/sso",
		Store: store, LinkKey: linkKey, InsecureCookies: true, Domains: dom, Now: func() time.Time { return e.now }})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/setup/", e.setup)
	return e, rs
}

// A write that loses to a concurrent one is a conflict the admin can
// retry, not an internal error.
func TestDomainsConcurrentWriteIsAConflict(t *testing.T) {
	e, rs := newRacingEnv(t)
	c := e.openLink(t, "acme")

	rs.arm() // the same claim from another tab lands first
	var body setup.APIError
	c.json("POST", "/setup/api/domains", setup.DomainInput{Domain: "race.example"}, http.StatusConflict, &body)
	if !strings.Contains(body.Error, "try again") {
		t.Fatalf("lost claim race: %q", body.Error)
	}
	var d setup.DomainView
	c.json("POST", "/setup/api/domains", setup.DomainInput{Domain: "race.example"}, 200, &d)

	rs.arm() // another writer updates the record between read and write
	body = setup.APIError{}
	c.json("POST", "/setup/api/domains/race.example/subdomains", setup.SubdomainsInput{Include: true}, http.StatusConflict, &body)
	if !strings.Contains(body.Error, "try again") {
		t.Fatalf("lost update race: %q", body.Error)
	}
	c.json("POST", "/setup/api/domains/race.example/subdomains", setup.SubdomainsInput{Include: true}, 200, &d)
	if !d.IncludeSubdomains {
		t.Fatalf("the retry did not apply: %+v", d)
	}
}
