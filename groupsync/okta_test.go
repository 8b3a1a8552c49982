package groupsync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

var oktaNow = time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)

const oktaUsersPage1 = `[
  {"id": "00ub0oNGTSWTBKOLGLNR", "status": "ACTIVE", "created": "2013-06-24T16:39:18.000Z",
   "profile": {"firstName": "Isaac", "lastName": "Brock", "email": "isaac.brock@example.com", "login": "isaac.brock@example.com", "mobilePhone": "555-415-1337"},
   "credentials": {"provider": {"type": "OKTA", "name": "OKTA"}},
   "_links": {"self": {"href": "https://acme.okta.com/api/v1/users/00ub0oNGTSWTBKOLGLNR"}}},
  {"id": "00ub0oNGTSWTBKOLGLNS", "status": "DEPROVISIONED",
   "profile": {"firstName": "Gone", "lastName": "User", "email": "gone@example.com", "login": "gone@example.com"}}
]`

const oktaUsersPage2 = `[
  {"id": "00ubfjQEMYBLRUWIEDKK", "status": "STAGED",
   "profile": {"firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com", "login": "ada@example.com"}}
]`

const oktaAppUsers = `[
  {"id": "00u11z6WHMYCGPCHCRFK", "externalId": null, "created": "2014-06-24T15:27:59.000Z", "scope": "USER",
   "status": "ACTIVE", "syncState": "DISABLED", "credentials": {"userName": "saml.jackson@example.com"},
   "profile": {"email": "saml.jackson@example.com", "given_name": "Saml", "family_name": "Jackson", "name": "Saml Jackson"},
   "_links": {"app": {"href": "https://acme.okta.com/api/v1/apps/0oa1gjh63g214q0Hq0g4"}}},
  {"id": "00u1dnq5S0CfjlkpABCD", "scope": "GROUP", "status": "INACTIVE",
   "credentials": {"userName": "former@example.com"}, "profile": {}}
]`

const oktaAppUserJSON = `{"id": "00u11z6WHMYCGPCHCRFK", "externalId": null, "scope": "USER", "status": "ACTIVE",
  "credentials": {"userName": "saml.jackson@example.com"}, "profile": {"email": "saml.jackson@example.com"}}`

const oktaNotFound = `{"errorCode":"E0000007","errorSummary":"Not found: Resource not found: 00uXXX (AppUser)","errorLink":"E0000007","errorId":"oaeXXX","errorCauses":[]}`

type fakeOkta struct {
	srv       *httptest.Server
	mu        sync.Mutex
	throttle  int // 429s to send on the second users page
	exhausted bool
	wantAuth  string
	requests  int
	linkHost  string
	lastPath  string // escaped path of the last request
}

func newFakeOkta(t *testing.T, auth string) *fakeOkta {
	f := &fakeOkta{wantAuth: auth}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	f.linkHost = f.srv.URL
	return f
}

func (f *fakeOkta) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests++
	f.lastPath = r.URL.EscapedPath()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Rate-Limit-Limit", "600")
	w.Header().Set("X-Rate-Limit-Reset", strconv.FormatInt(oktaNow.Add(30*time.Second).Unix(), 10))
	if r.Header.Get("Authorization") != f.wantAuth {
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"errorCode":"E0000011","errorSummary":"Invalid token provided","errorCauses":[]}`)
		return
	}
	remaining := "599"
	if f.exhausted {
		remaining = "0"
	}
	w.Header().Set("X-Rate-Limit-Remaining", remaining)
	q := r.URL.Query()
	// Route on the cleaned escaped path, as a server behind a normalising
	// proxy would: an unescaped "../" in an id would climb out of it.
	switch path.Clean(r.URL.EscapedPath()) {
	case "/api/v1/users":
		if q.Get("after") == "" {
			w.Header().Add("Link", fmt.Sprintf(`<%s/api/v1/users?limit=2>; rel="self"`, f.srv.URL))
			w.Header().Add("Link", fmt.Sprintf(`<%s/api/v1/users?after=00ub0oNGTSWTBKOLGLNS&limit=2>; rel="next"`, f.linkHost))
			io.WriteString(w, oktaUsersPage1)
			return
		}
		if f.throttle > 0 {
			f.throttle--
			w.Header().Set("X-Rate-Limit-Remaining", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, `{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests.","errorCauses":[]}`)
			return
		}
		w.Header().Add("Link", fmt.Sprintf(`<%s/api/v1/users?after=00ub0oNGTSWTBKOLGLNS&limit=2>; rel="self"`, f.srv.URL))
		io.WriteString(w, oktaUsersPage2)
	case "/api/v1/apps/0oa1gjh63g214q0Hq0g4/users":
		w.Header().Add("Link", fmt.Sprintf(`<%s/api/v1/apps/0oa1gjh63g214q0Hq0g4/users?limit=2>; rel="self"`, f.srv.URL))
		io.WriteString(w, oktaAppUsers)
	case "/api/v1/apps/0oa1gjh63g214q0Hq0g4/users/00u11z6WHMYCGPCHCRFK":
		io.WriteString(w, oktaAppUserJSON)
	case "/api/v1/apps/0oa1gjh63g214q0Hq0g4/users/00u1dnq5S0CfjlkpABCD":
		io.WriteString(w, `{"id": "00u1dnq5S0CfjlkpABCD", "scope": "GROUP", "status": "INACTIVE", "credentials": {"userName": "former@example.com"}}`)
	default:
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, oktaNotFound)
	}
}

func newTestOkta(t *testing.T, f *fakeOkta, sl *sleepLog, mut func(*OktaConfig)) *Okta {
	t.Helper()
	cfg := OktaConfig{BaseURL: f.srv.URL, AppID: "0oa1gjh63g214q0Hq0g4", APIKey: "00abcKEY", HTTPClient: f.srv.Client(),
		PageSize: 2, Sleep: sl.Sleep, Now: func() time.Time { return oktaNow }}
	if mut != nil {
		mut(&cfg)
	}
	o, err := NewOkta(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestOktaUsersPagingAndRateLimit(t *testing.T) {
	f := newFakeOkta(t, "SSWS 00abcKEY")
	f.throttle = 1
	sl := &sleepLog{}
	o := newTestOkta(t, f, sl, nil)
	users, err := o.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 3 || users[0].DisplayName != "Isaac Brock" || !users[0].Active || users[1].Active || users[2].ID != "00ubfjQEMYBLRUWIEDKK" {
		t.Fatalf("users = %+v", users)
	}
	if len(sl.waited) != 1 || sl.waited[0] != 31*time.Second {
		t.Fatalf("waits = %v, want 31s until X-Rate-Limit-Reset", sl.waited)
	}
}

func TestOktaPacesWhenNoRequestsRemain(t *testing.T) {
	f := newFakeOkta(t, "SSWS 00abcKEY")
	f.exhausted = true
	sl := &sleepLog{}
	o := newTestOkta(t, f, sl, nil)
	if _, err := o.Users(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(sl.waited) != 1 || sl.waited[0] != 31*time.Second || f.requests != 2 {
		t.Fatalf("waits %v, requests %d", sl.waited, f.requests)
	}
}

func TestOktaBearerAndAppUsers(t *testing.T) {
	f := newFakeOkta(t, "Bearer okta-at")
	o := newTestOkta(t, f, &sleepLog{}, func(c *OktaConfig) {
		c.APIKey = ""
		c.TokenSource = oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "okta-at", TokenType: "Bearer"})
	})
	users, err := o.AppUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 2 || users[0].Email != "saml.jackson@example.com" || users[0].FamilyName != "Jackson" ||
		users[1].Email != "former@example.com" || users[1].Active {
		t.Fatalf("app users = %+v", users)
	}
}

func TestOktaIsAssigned(t *testing.T) {
	f := newFakeOkta(t, "SSWS 00abcKEY")
	o := newTestOkta(t, f, &sleepLog{}, nil)
	tests := []struct {
		name string
		user string
		want bool
	}{
		{"an assigned user is authorised", "00u11z6WHMYCGPCHCRFK", true},
		{"an unassigned user (404) is not", "00uNOTASSIGNED", false},
		{"an inactive assignment is not", "00u1dnq5S0CfjlkpABCD", false},
		{"a path traversal id is escaped and not found", "00uEVIL/../00u11z6WHMYCGPCHCRFK", false},
		{"an empty id is not", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := o.IsAssigned(context.Background(), tc.user)
			if err != nil || got != tc.want {
				t.Fatalf("IsAssigned(%q) = %v, %v", tc.user, got, err)
			}
			if strings.Contains(tc.user, "/") && strings.Count(f.lastPath, "/") != 6 {
				t.Fatalf("id not escaped into one path segment: %s", f.lastPath)
			}
		})
	}
	t.Run("a wrong API key is an error, not a false", func(t *testing.T) {
		bad := newTestOkta(t, f, &sleepLog{}, func(c *OktaConfig) { c.APIKey = "wrong" })
		var he *HTTPError
		if _, err := bad.IsAssigned(context.Background(), "00u11z6WHMYCGPCHCRFK"); !errors.As(err, &he) || he.StatusCode != 401 {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestOktaErrors(t *testing.T) {
	t.Run("a Link to another host is not followed", func(t *testing.T) {
		f := newFakeOkta(t, "SSWS 00abcKEY")
		f.linkHost = "https://evil.example"
		o := newTestOkta(t, f, &sleepLog{}, nil)
		if _, err := o.Users(context.Background()); !errors.Is(err, ErrForeignLink) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("persistent 429 gives ErrThrottled", func(t *testing.T) {
		f := newFakeOkta(t, "SSWS 00abcKEY")
		f.throttle = 100
		sl := &sleepLog{}
		o := newTestOkta(t, f, sl, func(c *OktaConfig) { c.MaxRetries = 2 })
		if _, err := o.Users(context.Background()); !errors.Is(err, ErrThrottled) || len(sl.waited) != 2 {
			t.Fatalf("err = %v, waits %v", err, sl.waited)
		}
	})
	t.Run("config needs exactly one credential", func(t *testing.T) {
		ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "x"})
		for _, cfg := range []OktaConfig{{BaseURL: "https://acme.okta.com"}, {BaseURL: "https://acme.okta.com", APIKey: "k", TokenSource: ts}} {
			var ce *ConfigError
			if _, err := NewOkta(cfg); !errors.As(err, &ce) {
				t.Fatalf("err = %v", err)
			}
		}
	})
}

func TestNextLink(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want string
	}{
		{"Okta's two headers", []string{`<https://a.okta.com/api/v1/users?limit=2>; rel="self"`, `<https://a.okta.com/api/v1/users?after=x&limit=2>; rel="next"`}, "https://a.okta.com/api/v1/users?after=x&limit=2"},
		{"one header with two links", []string{`<https://a/s>; rel="self", <https://a/n>; rel="next"`}, "https://a/n"},
		{"unquoted and multiple rels", []string{`<https://a/n>; title="x"; rel=next`, `<https://a/m>; rel="prev next"`}, "https://a/n"},
		{"no next", []string{`<https://a/s>; rel="self"`}, ""},
		{"malformed", []string{`https://a/n; rel="next"`, `<>`, ``}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := NextLink(tc.in); got != tc.want {
				t.Fatalf("NextLink = %q, want %q", got, tc.want)
			}
		})
	}
}

func FuzzNextLink(f *testing.F) {
	f.Add(`<https://a.okta.com/api/v1/users?after=x>; rel="next"`)
	f.Add(`<https://a/s>; rel="self", <https://a/n>; rel=next`)
	f.Add(`<;rel=next`)
	f.Fuzz(func(t *testing.T, s string) {
		got := NextLink([]string{s})
		if got != "" && !strings.Contains(s, "<"+got+">") {
			t.Fatalf("NextLink(%q) = %q is not a bracketed target of the input", s, got)
		}
	})
}
