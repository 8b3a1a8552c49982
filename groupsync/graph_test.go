package groupsync

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"
	"github.com/lestrrat-go/jwx/v2/jwt"
	"golang.org/x/oauth2"
)

// fakeGraph replays Microsoft Graph and Entra token endpoint response shapes.
type fakeGraph struct {
	srv          *httptest.Server
	mu           sync.Mutex
	tokenCalls   int
	throttleOnce map[string]bool // path+query answered 429 once
	requests     []string
	nextOverride string
	rejectNext   bool              // answer the next API call 401, as for a revoked token
	cert         *x509.Certificate // accepted for client assertions
	assertionErr error
}

// clientAuthenticated accepts the client secret, or a client assertion
// signed by the registered certificate's key, like Entra ID.
func (f *fakeGraph) clientAuthenticated(r *http.Request) bool {
	if r.PostFormValue("client_assertion") == "" {
		return r.PostFormValue("client_secret") == "csecret"
	}
	if f.cert == nil || r.PostFormValue("client_secret") != "" ||
		r.PostFormValue("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
		return false
	}
	raw := []byte(r.PostFormValue("client_assertion"))
	tokenURL := "http://" + r.Host + r.URL.Path
	_, err := jwt.Parse(raw, jwt.WithKey(jwa.RS256, f.cert.PublicKey), jwt.WithIssuer("cid"), jwt.WithSubject("cid"),
		jwt.WithAudience(tokenURL), jwt.WithRequiredClaim("jti"),
		jwt.WithClock(jwt.ClockFunc(func() time.Time { return time.Date(2026, 5, 1, 9, 1, 0, 0, time.UTC) })))
	if err == nil {
		msg, _ := jws.Parse(raw)
		sum := sha1.Sum(f.cert.Raw)
		if x5t := msg.Signatures()[0].ProtectedHeaders().X509CertThumbprint(); x5t != base64.RawURLEncoding.EncodeToString(sum[:]) {
			err = fmt.Errorf("x5t %q does not match the certificate", x5t)
		}
	}
	f.assertionErr = err
	return err == nil
}

const graphUsersPage1 = `{
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(id,displayName,givenName,surname,mail,userPrincipalName,accountEnabled)",
  "@odata.nextLink": "%s/v1.0/users?$select=id,displayName,givenName,surname,mail,userPrincipalName,accountEnabled&$top=2&$skiptoken=RFNwdAIAAQAAAD8",
  "value": [
    {"id": "87d349ed-44d7-43e1-9a83-5f2406dee5bd", "displayName": "Adele Vance", "givenName": "Adele", "surname": "Vance",
     "mail": "AdeleV@contoso.com", "userPrincipalName": "AdeleV@contoso.com", "accountEnabled": true},
    {"id": "6e7b768e-07e2-4810-8459-485f84f8f204", "displayName": "Alex Wilber", "givenName": "Alex", "surname": "Wilber",
     "mail": null, "userPrincipalName": "AlexW@contoso.com", "accountEnabled": false}
  ]
}`

const graphUsersPage2 = `{
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(id,displayName,givenName,surname,mail,userPrincipalName,accountEnabled)",
  "value": [
    {"id": "5bde3e51-d13b-4db1-9948-fe4b109d11a7", "displayName": "Megan Bowen", "givenName": "Megan", "surname": "Bowen",
     "mail": "MeganB@contoso.com", "userPrincipalName": "MeganB@contoso.com", "accountEnabled": true}
  ]
}`

const graphMembers = `{
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#directoryObjects(id,displayName,givenName,surname,mail,userPrincipalName,accountEnabled)",
  "value": [
    {"@odata.type": "#microsoft.graph.user", "id": "87d349ed-44d7-43e1-9a83-5f2406dee5bd", "displayName": "Adele Vance",
     "mail": "AdeleV@contoso.com", "userPrincipalName": "AdeleV@contoso.com", "accountEnabled": true},
    {"@odata.type": "#microsoft.graph.group", "id": "02bd9fd6-8f93-4758-87c3-1fb73740a315", "displayName": "HR Taskforce"},
    {"@odata.type": "#microsoft.graph.device", "id": "4c1fdc9b-5d7f-4c1e-9c3e-2d8b5b5c7a11"}
  ]
}`

func newFakeGraph(t *testing.T) *fakeGraph {
	f := &fakeGraph{throttleOnce: map[string]bool{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeGraph) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Path == "/contoso/oauth2/v2.0/token" {
		f.tokenCalls++
		if r.PostFormValue("grant_type") != "client_credentials" || r.PostFormValue("client_id") != "cid" ||
			!f.clientAuthenticated(r) || r.PostFormValue("scope") != "https://graph.microsoft.com/.default" {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}`)
			return
		}
		io.WriteString(w, `{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"graph-at"}`)
		return
	}
	f.requests = append(f.requests, r.Method+" "+r.URL.RequestURI())
	if r.Header.Get("Authorization") != "Bearer graph-at" || f.rejectNext {
		f.rejectNext = false
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"error":{"code":"InvalidAuthenticationToken","message":"Access token is empty."}}`)
		return
	}
	key := r.URL.RequestURI()
	if f.throttleOnce[key] {
		delete(f.throttleOnce, key)
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"error":{"code":"TooManyRequests","message":"Too many requests."}}`)
		return
	}
	switch {
	case r.URL.Path == "/v1.0/users" && r.URL.Query().Get("$skiptoken") == "":
		if r.URL.Query().Get("$select") != graphUserSelect {
			http.Error(w, "bad $select", http.StatusBadRequest)
			return
		}
		next := f.srv.URL
		if f.nextOverride != "" {
			next = f.nextOverride
		}
		fmt.Fprintf(w, graphUsersPage1, next)
	case r.URL.Path == "/v1.0/users":
		io.WriteString(w, graphUsersPage2)
	case r.URL.Path == "/v1.0/groups/grp-1/members":
		io.WriteString(w, graphMembers)
	case r.URL.Path == "/v1.0/users/6e7b768e-07e2-4810-8459-485f84f8f204/getMemberGroups" && r.Method == http.MethodPost:
		body, _ := io.ReadAll(r.Body)
		if string(body) != `{"securityEnabledOnly":false}` {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		io.WriteString(w, `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#Collection(Edm.String)","value":["fee2c45b-915a-4a64-b130-f4eb9e75525e","4fe90ae7-065a-478b-9400-e0a0e1cbd540"]}`)
	case r.URL.Path == "/v1.0/users/u1/memberOf" && r.URL.Query().Get("$skiptoken") == "":
		fmt.Fprintf(w, `{"@odata.nextLink":"%s/v1.0/users/u1/memberOf?$select=id&$skiptoken=X2","value":[
			{"@odata.type":"#microsoft.graph.group","id":"g-1"},
			{"@odata.type":"#microsoft.graph.directoryRole","id":"role-1"}]}`, f.srv.URL)
	case r.URL.Path == "/v1.0/users/u1/memberOf":
		io.WriteString(w, `{"value":[{"@odata.type":"#microsoft.graph.group","id":"g-2"}]}`)
	case r.URL.Path == "/v1.0/loop":
		fmt.Fprintf(w, `{"@odata.nextLink":"%s/v1.0/loop","value":[]}`, f.srv.URL)
	case r.URL.Path == "/v1.0/throttled":
		w.Header().Set("Retry-After", "2")
		w.WriteHeader(http.StatusTooManyRequests)
	default:
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"error":{"code":"Request_ResourceNotFound","message":"Resource does not exist."}}`)
	}
}

type sleepLog struct {
	mu     sync.Mutex
	waited []time.Duration
}

func (s *sleepLog) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waited = append(s.waited, d)
	return ctx.Err()
}

func newTestGraph(t *testing.T, f *fakeGraph, sl *sleepLog) *Graph {
	t.Helper()
	g, err := NewGraph(GraphConfig{BaseURL: f.srv.URL, TenantID: "contoso", ClientID: "cid", ClientSecret: "csecret",
		TokenURL: f.srv.URL + "/contoso/oauth2/v2.0/token", HTTPClient: f.srv.Client(), PageSize: 2, Sleep: sl.Sleep,
		Now: func() time.Time { return time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

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

func testCertificate(t *testing.T) (*x509.Certificate, *rsa.PrivateKey) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ssokit directory sync"},
		NotBefore: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return cert, key
}

func TestGraphCertificateCredentials(t *testing.T) {
	cert, key := testCertificate(t)
	f := newFakeGraph(t)
	f.cert = cert
	g, err := NewGraph(GraphConfig{BaseURL: f.srv.URL, ClientID: "cid", Certificate: cert, Key: key,
		TokenURL: f.srv.URL + "/contoso/oauth2/v2.0/token", HTTPClient: f.srv.Client(),
		Now: func() time.Time { return time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	if users, err := g.Users(context.Background()); err != nil || len(users) != 3 || f.tokenCalls != 1 {
		t.Fatalf("users %d, token calls %d, err %v, assertion check %v", len(users), f.tokenCalls, err, f.assertionErr)
	}
	t.Run("an assertion signed by another key is refused", func(t *testing.T) {
		other, _ := testCertificate(t)
		f := newFakeGraph(t)
		f.cert = other
		g, _ := NewGraph(GraphConfig{BaseURL: f.srv.URL, ClientID: "cid", Certificate: cert, Key: key,
			TokenURL: f.srv.URL + "/contoso/oauth2/v2.0/token", HTTPClient: f.srv.Client()})
		var re *oauth2.RetrieveError
		if _, err := g.Users(context.Background()); !errors.As(err, &re) || f.assertionErr == nil {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("a key that does not match the certificate is a config error", func(t *testing.T) {
		_, otherKey := testCertificate(t)
		var ce *ConfigError
		if _, err := NewGraph(GraphConfig{ClientID: "cid", TenantID: "t", Certificate: cert, Key: otherKey}); !errors.As(err, &ce) {
			t.Fatalf("err = %v", err)
		}
	})
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

func TestGraphGroupsOverage(t *testing.T) {
	overage := map[string]any{
		"oid": "6e7b768e-07e2-4810-8459-485f84f8f204", "tid": "contoso",
		"_claim_names":   map[string]any{"groups": "src1"},
		"_claim_sources": map[string]any{"src1": map[string]any{"endpoint": "https://evil.example/steal"}},
	}
	tests := []struct {
		name    string
		claims  map[string]any
		want    string
		wantErr error
	}{
		{"groups claim is used when present", map[string]any{"groups": []any{"a", "b"}}, "a b", nil},
		{"overage fetches groups from Graph, not from _claim_sources", overage,
			"fee2c45b-915a-4a64-b130-f4eb9e75525e 4fe90ae7-065a-478b-9400-e0a0e1cbd540", nil},
		{"hasgroups is an overage", map[string]any{"hasgroups": true, "oid": "6e7b768e-07e2-4810-8459-485f84f8f204"},
			"fee2c45b-915a-4a64-b130-f4eb9e75525e 4fe90ae7-065a-478b-9400-e0a0e1cbd540", nil},
		{"overage without oid is an error", map[string]any{"hasgroups": true}, "", ErrNoObjectID},
		{"overage for another tenant is refused", map[string]any{"hasgroups": true, "oid": "x", "tid": "fabrikam"}, "", &TenantMismatchError{}},
		{"a non-list groups claim is an error", map[string]any{"groups": "a,b"}, "", errors.New("")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeGraph(t)
			g := newTestGraph(t, f, &sleepLog{})
			got, err := g.Groups(context.Background(), tc.claims)
			switch want := tc.wantErr.(type) {
			case nil:
				if err != nil || strings.Join(got, " ") != tc.want {
					t.Fatalf("got %v, %v", got, err)
				}
			case *TenantMismatchError:
				if !errors.As(err, &want) || want.Got != "fabrikam" || len(f.requests) != 0 {
					t.Fatalf("err = %v, requests %v", err, f.requests)
				}
			default:
				if err == nil || (tc.wantErr == ErrNoObjectID && !errors.Is(err, ErrNoObjectID)) {
					t.Fatalf("err = %v", err)
				}
			}
		})
	}
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

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   string
		want time.Duration
		ok   bool
	}{
		{"seconds", "7", 7 * time.Second, true},
		{"HTTP date", "Fri, 01 May 2026 09:00:30 GMT", 30 * time.Second, true},
		{"past date waits nothing", "Fri, 01 May 2026 08:00:00 GMT", 0, true},
		{"negative seconds are ignored", "-1", 0, false},
		{"more than a day is ignored", "90000", 0, false},
		{"a far future date is ignored", "Wed, 01 Oct 2200 00:00:00 GMT", 0, false},
		{"garbage is ignored", "soon", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got, ok := ParseRetryAfter(tc.in, now); got != tc.want || ok != tc.ok {
				t.Fatalf("got %v, %v", got, ok)
			}
		})
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	for _, s := range []string{"7", "0", "-1", "Fri, 01 May 2026 09:00:30 GMT", "", "99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := ParseRetryAfter(s, now)
		if ok && (d < 0 || d > 24*time.Hour) {
			t.Fatalf("ParseRetryAfter(%q) = %v", s, d)
		}
		if !ok && d != 0 {
			t.Fatalf("not ok but d = %v", d)
		}
	})
}

// FuzzGroupsClaim feeds claims documents (JSON as it arrives in a token)
// to the overage detection and the groups claim reader.
func FuzzGroupsClaim(f *testing.F) {
	f.Add(`{"groups":["a","b"]}`)
	f.Add(`{"_claim_names":{"groups":"src1"},"_claim_sources":{"src1":{"endpoint":"https://x"}}}`)
	f.Add(`{"hasgroups":true,"groups":null}`)
	f.Add(`{"groups":[1,{"a":2}]}`)
	f.Fuzz(func(t *testing.T, doc string) {
		var claims map[string]any
		if json.Unmarshal([]byte(doc), &claims) != nil {
			return
		}
		over := GroupsOverage(claims)
		got, err := stringList(claims["groups"])
		if err == nil && len(got) > 0 && claims["groups"] == nil {
			t.Fatalf("groups from nothing: %v", got)
		}
		if _, isList := claims["groups"].([]any); err != nil && !isList && claims["groups"] == nil {
			t.Fatalf("error for an absent claim: %v", err)
		}
		names, _ := claims["_claim_names"].(map[string]any)
		_, named := names["groups"]
		if want := named || claims["hasgroups"] == true; over != want {
			t.Fatalf("GroupsOverage(%s) = %v, want %v", doc, over, want)
		}
	})
}
