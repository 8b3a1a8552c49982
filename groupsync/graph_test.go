package groupsync

import (
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

func TestGraphUsersPagingAndThrottling(t *testing.T) {
	f := newFakeGraph(t)
	sl := &sleepLog{}
	g := newTestGraph(t, f, sl)
	f.throttleOnce["/v1.0/users?$select=id,displayName,givenName,surname,mail,userPrincipalName,accountEnabled&$top=2&$skiptoken=RFNwdAIAAQAAAD8"] = true
	users, err := g.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 3 || users[2].ID != "5bde3e51-d13b-4db1-9948-fe4b109d11a7" {
		t.Fatalf("users = %+v", users)
	}
	alex := users[1]
	if alex.Email != "AlexW@contoso.com" || alex.Active || alex.Username != "AlexW@contoso.com" || alex.FamilyName != "Wilber" {
		t.Fatalf("Alex = %+v", alex)
	}
	if len(sl.waited) != 1 || sl.waited[0] != 7*time.Second {
		t.Fatalf("waits = %v, want the 7s Retry-After", sl.waited)
	}
	if f.tokenCalls != 1 || len(f.requests) != 3 {
		t.Fatalf("token calls %d, requests %v", f.tokenCalls, f.requests)
	}
	if _, err := g.Users(context.Background()); err != nil || f.tokenCalls != 1 {
		t.Fatalf("token not reused: %d calls, %v", f.tokenCalls, err)
	}
}

func TestGraphRefetchesTokenOnceAfter401(t *testing.T) {
	f := newFakeGraph(t)
	g := newTestGraph(t, f, &sleepLog{})
	if _, err := g.GroupMembers(context.Background(), "grp-1"); err != nil {
		t.Fatal(err)
	}
	f.rejectNext = true
	if _, err := g.GroupMembers(context.Background(), "grp-1"); err != nil || f.tokenCalls != 2 {
		t.Fatalf("err %v, token calls %d", err, f.tokenCalls)
	}
}

func TestGraphGroupMembersKeepsOnlyUsers(t *testing.T) {
	f := newFakeGraph(t)
	g := newTestGraph(t, f, &sleepLog{})
	users, err := g.GroupMembers(context.Background(), "grp-1")
	if err != nil || len(users) != 1 || users[0].DisplayName != "Adele Vance" {
		t.Fatalf("members = %+v, %v", users, err)
	}
}

func TestGraphMemberOfPagesAndKeepsGroups(t *testing.T) {
	f := newFakeGraph(t)
	g := newTestGraph(t, f, &sleepLog{})
	got, err := g.MemberOf(context.Background(), "u1")
	if err != nil || strings.Join(got, " ") != "g-1 g-2" {
		t.Fatalf("memberOf = %v, %v", got, err)
	}
}

func TestGraphErrors(t *testing.T) {
	t.Run("persistent 429 gives ErrThrottled after the retries", func(t *testing.T) {
		f := newFakeGraph(t)
		sl := &sleepLog{}
		g := newTestGraph(t, f, sl)
		_, err := g.listUsers(context.Background(), "/v1.0/throttled")
		var he *HTTPError
		if !errors.Is(err, ErrThrottled) || !errors.As(err, &he) || he.StatusCode != 429 || len(sl.waited) != defaultMaxRetries {
			t.Fatalf("err = %v, waits %v", err, sl.waited)
		}
	})
	t.Run("a nextLink to another host is not followed", func(t *testing.T) {
		f := newFakeGraph(t)
		evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			t.Errorf("foreign host received %s with Authorization %q", r.URL, r.Header.Get("Authorization"))
		}))
		defer evil.Close()
		f.nextOverride = evil.URL
		g := newTestGraph(t, f, &sleepLog{})
		if _, err := g.Users(context.Background()); !errors.Is(err, ErrForeignLink) {
			t.Fatalf("err = %v, want ErrForeignLink", err)
		}
	})
	t.Run("a wrong client secret fails at the token endpoint", func(t *testing.T) {
		f := newFakeGraph(t)
		g, _ := NewGraph(GraphConfig{BaseURL: f.srv.URL, ClientID: "cid", ClientSecret: "wrong",
			TokenURL: f.srv.URL + "/contoso/oauth2/v2.0/token", HTTPClient: f.srv.Client()})
		var re *oauth2.RetrieveError
		if _, err := g.Users(context.Background()); !errors.As(err, &re) || len(f.requests) != 0 {
			t.Fatalf("err = %v, graph requests %v", err, f.requests)
		}
	})
	t.Run("a listing over MaxUsers is refused", func(t *testing.T) {
		f := newFakeGraph(t)
		g, _ := NewGraph(GraphConfig{BaseURL: f.srv.URL, HTTPClient: f.srv.Client(), MaxUsers: 1, PageSize: 2,
			TokenSource: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "graph-at"})})
		if _, err := g.Users(context.Background()); !errors.Is(err, ErrTooLarge) || len(f.requests) != 1 {
			t.Fatalf("err = %v, requests %v", err, f.requests)
		}
	})
	t.Run("a nextLink loop of empty pages ends", func(t *testing.T) {
		f := newFakeGraph(t)
		g, _ := NewGraph(GraphConfig{BaseURL: f.srv.URL, HTTPClient: f.srv.Client(), MaxUsers: 1,
			TokenSource: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "graph-at"})})
		if _, err := g.listUsers(context.Background(), "/v1.0/loop"); !errors.Is(err, ErrTooLarge) || len(f.requests) > 200 {
			t.Fatalf("err = %v after %d requests", err, len(f.requests))
		}
	})
	t.Run("a missing group is an HTTPError 404", func(t *testing.T) {
		f := newFakeGraph(t)
		g := newTestGraph(t, f, &sleepLog{})
		var he *HTTPError
		if _, err := g.GroupMembers(context.Background(), "nope"); !errors.As(err, &he) || he.StatusCode != 404 {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestNewGraphValidates(t *testing.T) {
	tests := map[string]GraphConfig{
		"no credentials":         {TenantID: "t"},
		"secret and certificate": {TenantID: "t", ClientID: "c", ClientSecret: "s", Certificate: &x509.Certificate{}},
		"no tenant nor TokenURL": {ClientID: "c", ClientSecret: "s"},
		"base URL with a query":  {BaseURL: "https://graph.microsoft.com/?x=1", TokenSource: oauth2.StaticTokenSource(&oauth2.Token{})},
		"relative base URL":      {BaseURL: "/graph", TokenSource: oauth2.StaticTokenSource(&oauth2.Token{})},
	}
	for name, cfg := range tests {
		t.Run(name, func(t *testing.T) {
			var ce *ConfigError
			if _, err := NewGraph(cfg); !errors.As(err, &ce) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestGraphCertificateTokenSource(t *testing.T) {
	f := newFakeGraph(t)
	g, err := NewGraph(GraphConfig{BaseURL: f.srv.URL, HTTPClient: f.srv.Client(),
		TokenSource: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "graph-at", TokenType: "Bearer"})})
	if err != nil {
		t.Fatal(err)
	}
	if users, err := g.Users(context.Background()); err != nil || len(users) != 3 || f.tokenCalls != 0 {
		t.Fatalf("users %d, token calls %d, err %v", len(users), f.tokenCalls, err)
	}
}
