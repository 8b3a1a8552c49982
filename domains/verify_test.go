package domains_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ssokit/ssokit/domains"
)

func TestVerifyDNSProof(t *testing.T) {
	cases := []struct {
		name      string
		publish   func(e *env, rn, token string)
		wantState domains.State
		wantErr   error
		result    domains.Result
	}{
		{"correct token verifies", func(e *env, rn, tok string) { e.dns.txt(rn, tok) },
			domains.Verified, nil, domains.ResultMatch},
		{"wrong token stays pending", func(e *env, rn, tok string) { e.dns.txt(rn, "someone-elses-token") },
			domains.Pending, domains.ErrNotVerified, domains.ResultWrongToken},
		{"token with a prefix is not the token", func(e *env, rn, tok string) { e.dns.txt(rn, "x"+tok) },
			domains.Pending, domains.ErrNotVerified, domains.ResultWrongToken},
		{"truncated token is not the token", func(e *env, rn, tok string) { e.dns.txt(rn, tok[:len(tok)-1]) },
			domains.Pending, domains.ErrNotVerified, domains.ResultWrongToken},
		{"token in upper case is not the token", func(e *env, rn, tok string) { e.dns.txt(rn, strings.ToUpper(tok)) },
			domains.Pending, domains.ErrNotVerified, domains.ResultWrongToken},
		{"one of several TXT records matches", func(e *env, rn, tok string) {
			e.dns.txt(rn, "v=spf1 -all")
			e.dns.txt(rn, tok)
			e.dns.txt(rn, "google-site-verification=abc")
		}, domains.Verified, nil, domains.ResultMatch},
		{"several TXT records, none matches", func(e *env, rn, tok string) {
			e.dns.txt(rn, "v=spf1 -all")
			e.dns.txt(rn, "google-site-verification=abc")
		}, domains.Pending, domains.ErrNotVerified, domains.ResultWrongToken},
		{"record split into several strings is joined", func(e *env, rn, tok string) {
			e.dns.txt(rn, tok[:7], tok[7:20], tok[20:])
		}, domains.Verified, nil, domains.ResultMatch},
		{"token split across two records does not match", func(e *env, rn, tok string) {
			e.dns.txt(rn, tok[:16])
			e.dns.txt(rn, tok[16:])
		}, domains.Pending, domains.ErrNotVerified, domains.ResultWrongToken},
		{"CNAME to the record is followed", func(e *env, rn, tok string) {
			e.dns.cname(rn, "proofs.dns-host.example")
			e.dns.txt("proofs.dns-host.example", tok)
		}, domains.Verified, nil, domains.ResultMatch},
		{"NXDOMAIN stays pending", func(e *env, rn, tok string) {},
			domains.Pending, domains.ErrNotVerified, domains.ResultNoRecord},
		{"name without TXT data stays pending", func(e *env, rn, tok string) { e.dns.a(rn) },
			domains.Pending, domains.ErrNotVerified, domains.ResultNoRecord},
		{"token at the domain itself is not the record", func(e *env, rn, tok string) { e.dns.txt("acme.example", tok) },
			domains.Pending, domains.ErrNotVerified, domains.ResultNoRecord},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			d := e.claim("tenant-a", "acme.example")
			tc.publish(e, e.svc.RecordName(d.Name), d.Token)
			got, err := e.svc.Verify(context.Background(), "tenant-a", "acme.example")
			if tc.wantErr == nil && err != nil || tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v; want %v", err, tc.wantErr)
			}
			if got.State != tc.wantState {
				t.Fatalf("state = %s; want %s", got.State, tc.wantState)
			}
			if stored := e.get("tenant-a", "acme.example"); stored.State != tc.wantState {
				t.Fatalf("stored state = %s; want %s", stored.State, tc.wantState)
			}
			wantWords := tc.result.Words("_ssokit-verification.acme.example")
			if got.LastResult != wantWords || !got.LastCheckedAt.Equal(e.clock.Now()) {
				t.Fatalf("last result %q at %v; want %q now", got.LastResult, got.LastCheckedAt, wantWords)
			}
			var pe *domains.ProofError
			if tc.wantErr != nil && (!errors.As(err, &pe) || pe.Result != tc.result) {
				t.Fatalf("err = %#v; want ProofError with result %v", err, tc.result)
			}
			if v := e.verifiedFor("tenant-a", "ceo@acme.example"); v != (tc.wantState == domains.Verified) {
				t.Fatalf("VerifiedFor = %v", v)
			}
		})
	}
}

func TestVerifyTemporaryFailureChangesNothing(t *testing.T) {
	t.Run("SERVFAIL is try again", func(t *testing.T) {
		e := newEnv(t)
		d := e.claim("tenant-a", "acme.example")
		e.dns.failWith(e.svc.RecordName(d.Name))
		_, err := e.svc.Verify(context.Background(), "tenant-a", "acme.example")
		assertTemporary(t, e, d, err)
	})
	t.Run("server that never answers is a timeout, try again", func(t *testing.T) {
		silent := silentServer(t)
		e := newEnv(t, func(c *domains.Config) {
			c.Resolver = resolverFor(silent)
			c.LookupTimeout = 300 * time.Millisecond
		})
		d := e.claim("tenant-a", "acme.example")
		_, err := e.svc.Verify(context.Background(), "tenant-a", "acme.example")
		assertTemporary(t, e, d, err)
	})
	t.Run("caller's deadline bounds the lookup", func(t *testing.T) {
		silent := silentServer(t)
		e := newEnv(t, func(c *domains.Config) { c.Resolver = resolverFor(silent) })
		d := e.claim("tenant-a", "acme.example")
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		_, err := e.svc.Verify(ctx, "tenant-a", "acme.example")
		assertTemporary(t, e, d, err)
	})
}

func assertTemporary(t *testing.T, e *env, before domains.Domain, err error) {
	t.Helper()
	wantErr(t, err, domains.ErrTemporary)
	var te *domains.TemporaryError
	if !errors.As(err, &te) || te.RecordName != "_ssokit-verification.acme.example" {
		t.Fatalf("err = %#v; want TemporaryError naming the record", err)
	}
	if errors.Is(err, domains.ErrNotVerified) {
		t.Fatal("a temporary failure must not read as a failed proof")
	}
	after := e.get("tenant-a", "acme.example")
	if after != before {
		t.Fatalf("record changed:\n%+v\n%+v", before, after)
	}
}

func TestVerifyNames(t *testing.T) {
	t.Run("upper case and trailing dot name the same domain", func(t *testing.T) {
		e := newEnv(t)
		d := e.claim("tenant-a", "Acme.EXAMPLE.")
		if d.Name != "acme.example" {
			t.Fatalf("name = %q", d.Name)
		}
		e.dns.txt("_SSOKIT-VERIFICATION.ACME.EXAMPLE", d.Token)
		got, err := e.svc.Verify(context.Background(), "tenant-a", "ACME.example.")
		if err != nil || got.State != domains.Verified {
			t.Fatalf("Verify = %v, %v", got.State, err)
		}
		if !e.verifiedFor("tenant-a", "Ceo@ACME.Example.") {
			t.Fatal("upper-case email not trusted")
		}
	})
	t.Run("IDN domain is proven at its punycode name", func(t *testing.T) {
		e := newEnv(t)
		d := e.claim("tenant-a", "Bücher.example")
		if d.Name != "xn--bcher-kva.example" {
			t.Fatalf("name = %q", d.Name)
		}
		e.dns.txt("_ssokit-verification.xn--bcher-kva.example", d.Token)
		if _, err := e.svc.Verify(context.Background(), "tenant-a", "bücher.example"); err != nil {
			t.Fatal(err)
		}
		for _, email := range []string{"anna@bücher.example", "anna@BÜCHER.example", "anna@xn--bcher-kva.example"} {
			if !e.verifiedFor("tenant-a", email) {
				t.Fatalf("%s not trusted", email)
			}
		}
	})
	t.Run("configured record label", func(t *testing.T) {
		e := newEnv(t, func(c *domains.Config) { c.RecordLabel = "_login-proof" })
		d := e.claim("tenant-a", "acme.example")
		e.dns.txt("_ssokit-verification.acme.example", d.Token)
		_, err := e.svc.Verify(context.Background(), "tenant-a", "acme.example")
		wantErr(t, err, domains.ErrNotVerified)
		e.dns.txt("_login-proof.acme.example", d.Token)
		if _, err := e.svc.Verify(context.Background(), "tenant-a", "acme.example"); err != nil {
			t.Fatal(err)
		}
	})
}

func TestVerifyEvents(t *testing.T) {
	e := newEnv(t)
	e.verified("tenant-a", "acme.example")
	for _, k := range []domains.EventKind{domains.EventClaimed, domains.EventVerified} {
		evs := e.eventsOf(k)
		if len(evs) != 1 || evs[0].Tenant != "tenant-a" || evs[0].Domain != "acme.example" || !evs[0].At.Equal(e.clock.Now()) {
			t.Fatalf("%s events = %+v", k, evs)
		}
	}
}

func TestVerifyUnclaimed(t *testing.T) {
	e := newEnv(t)
	_, err := e.svc.Verify(context.Background(), "tenant-a", "acme.example")
	var nf *domains.NotFoundError
	if !errors.As(err, &nf) || nf.Name != "acme.example" {
		t.Fatalf("err = %v; want NotFoundError", err)
	}
}

// TestNetResolverJoinsStringsPerRecord pins the behaviour of the default
// resolver that the proof relies on: one string per record, the record's
// character-strings joined without a separator, records kept apart.
func TestNetResolverJoinsStringsPerRecord(t *testing.T) {
	srv := newAuthServer(t)
	srv.txt("_ssokit-verification.acme.example", "abc", "def", "ghi")
	srv.txt("_ssokit-verification.acme.example", "v=spf1 -all")
	got, err := srv.resolver().LookupTXT(context.Background(), "_ssokit-verification.acme.example.")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != "abcdefghi" || got[1] != "v=spf1 -all" {
		t.Fatalf("LookupTXT = %q; want [abcdefghi v=spf1 -all]", got)
	}
}
