package domains_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/ssokit/ssokit/domains"
)

// env is a Service wired to a real in-process DNS server, an injected
// clock and an event recorder.
type env struct {
	t     *testing.T
	svc   *domains.Service
	dns   *authServer
	clock *clock
	store *domains.MemoryStore

	mu     sync.Mutex
	events []domains.Event
}

func newEnv(t *testing.T, tweak ...func(*domains.Config)) *env {
	t.Helper()
	e := &env{t: t, dns: newAuthServer(t), clock: newClock(), store: domains.NewMemoryStore()}
	cfg := domains.Config{
		Store:    e.store,
		Resolver: e.dns.resolver(),
		Now:      e.clock.Now,
		OnEvent:  e.record,
	}
	for _, f := range tweak {
		f(&cfg)
	}
	svc, err := domains.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.svc = svc
	return e
}

func (e *env) record(ev domains.Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.events = append(e.events, ev)
}

// eventsOf returns the recorded events of kind.
func (e *env) eventsOf(kind domains.EventKind) []domains.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []domains.Event
	for _, ev := range e.events {
		if ev.Kind == kind {
			out = append(out, ev)
		}
	}
	return out
}

func (e *env) claim(tenant, name string) domains.Domain {
	e.t.Helper()
	d, err := e.svc.Claim(context.Background(), tenant, name)
	if err != nil {
		e.t.Fatalf("Claim(%s, %s): %v", tenant, name, err)
	}
	return d
}

// publish puts d's token where the service looks for it.
func (e *env) publish(d domains.Domain) {
	e.dns.txt(e.svc.RecordName(d.Name), d.Token)
}

// verified claims name for tenant, publishes the token and verifies.
func (e *env) verified(tenant, name string) domains.Domain {
	e.t.Helper()
	d := e.claim(tenant, name)
	e.publish(d)
	d, err := e.svc.Verify(context.Background(), tenant, name)
	if err != nil || d.State != domains.Verified {
		e.t.Fatalf("Verify(%s, %s) = %v, %v; want verified", tenant, name, d.State, err)
	}
	return d
}

func (e *env) get(tenant, name string) domains.Domain {
	e.t.Helper()
	d, err := e.svc.Get(context.Background(), tenant, name)
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

func (e *env) verifiedFor(tenant, email string) bool {
	e.t.Helper()
	ok, err := e.svc.VerifiedFor(context.Background(), tenant, email)
	if err != nil {
		e.t.Fatalf("VerifiedFor(%s, %s): %v", tenant, email, err)
	}
	return ok
}

func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("err = %v; want %v", err, target)
	}
}
