package groupsync

import (
	"context"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"
	"github.com/lestrrat-go/jwx/v2/jwt"
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
