package domains_test

import (
	"bytes"
	"context"
	"encoding/base32"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/ssokit/ssokit/domains"
)

func TestNewValidatesEverythingAtOnce(t *testing.T) {
	_, err := domains.New(domains.Config{
		RecordLabel:     "two.labels",
		PendingExpiry:   -time.Hour,
		RecheckMisses:   -1,
		ConsumerDomains: []string{"ok.example", "not a domain"},

		InsecureAllowConsumerDomains: []string{"-bad.example"},
	})
	if err == nil {
		t.Fatal("bad config accepted")
	}
	for _, want := range []string{"RecordLabel", "PendingExpiry", "RecheckMisses", "ConsumerDomains[1]", "InsecureAllowConsumerDomains[0]"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
	if !errors.Is(err, domains.ErrInvalidName) {
		t.Errorf("consumer entry error not wrapped: %v", err)
	}
}

func TestTokens(t *testing.T) {
	ctx := context.Background()
	t.Run("token is 160 bits from the injected Rand", func(t *testing.T) {
		seed := bytes.Repeat([]byte{0xA5}, 20)
		svc, err := domains.New(domains.Config{Rand: bytes.NewReader(seed)})
		if err != nil {
			t.Fatal(err)
		}
		d, err := svc.Claim(ctx, "tenant-a", "acme.example")
		if err != nil {
			t.Fatal(err)
		}
		want := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(seed))
		if d.Token != want || len(d.Token) != 32 {
			t.Fatalf("token %q; want %q", d.Token, want)
		}
	})
	t.Run("a short Rand is an error, not a weak token", func(t *testing.T) {
		svc, _ := domains.New(domains.Config{Rand: bytes.NewReader(make([]byte, 15))})
		_, err := svc.Claim(ctx, "tenant-a", "acme.example")
		wantErr(t, err, io.ErrUnexpectedEOF)
		if _, err := svc.Get(ctx, "tenant-a", "acme.example"); !errors.Is(err, domains.ErrNotFound) {
			t.Fatalf("record stored without a token: %v", err)
		}
	})
	t.Run("default Rand gives distinct tokens", func(t *testing.T) {
		svc, _ := domains.New(domains.Config{})
		a, _ := svc.Claim(ctx, "tenant-a", "acme.example")
		b, _ := svc.Claim(ctx, "tenant-b", "acme.example")
		if a.Token == b.Token || len(a.Token) != 32 {
			t.Fatalf("tokens %q, %q", a.Token, b.Token)
		}
	})
	t.Run("default Rand is not a fixed sequence shared by services", func(t *testing.T) {
		// Two services, each with its own default source: a seeded
		// generator would give both the same first token.
		first := func() string {
			svc, err := domains.New(domains.Config{})
			if err != nil {
				t.Fatal(err)
			}
			d, err := svc.Claim(ctx, "tenant-a", "acme.example")
			if err != nil {
				t.Fatal(err)
			}
			return d.Token
		}
		if a, b := first(), first(); a == b {
			t.Fatalf("two services issued the same first token %q", a)
		}
	})
	t.Run("claiming twice returns the same record", func(t *testing.T) {
		svc, _ := domains.New(domains.Config{})
		a, _ := svc.Claim(ctx, "tenant-a", "acme.example")
		again, err := svc.Claim(ctx, "tenant-a", "ACME.example.")
		if err != nil || again.Token != a.Token {
			t.Fatalf("re-claim = %+v, %v", again, err)
		}
	})
	t.Run("empty tenant is refused", func(t *testing.T) {
		svc, _ := domains.New(domains.Config{})
		_, err := svc.Claim(ctx, "", "acme.example")
		wantErr(t, err, domains.ErrNoTenant)
	})
}
