package saml_test

import (
	"context"
	"errors"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/saml"
)

var formField = regexp.MustCompile(`name="(\w+)"\s+value="([^"]*)"`)

// postedForm reads the hidden fields of an auto-submitting form.
func postedForm(t *testing.T, body string) url.Values {
	t.Helper()
	v := url.Values{}
	for _, m := range formField.FindAllStringSubmatch(body, -1) {
		v.Set(m[1], htmlUnescape(m[2]))
	}
	if v.Get("SAMLResponse") == "" {
		t.Fatalf("no SAMLResponse in form: %s", body)
	}
	return v
}

func TestSPInitiatedLoginOverHTTP(t *testing.T) {
	e := newEnv(t)
	var got *saml.ACSResult
	var verr error
	acs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, verr = e.sp.HandleACS(r.Context(), w, r, []string{e.idp.LastRequestID()})
	}))
	defer acs.Close()

	for _, binding := range []string{saml.BindingHTTPRedirect, saml.BindingHTTPPOST} {
		t.Run(binding, func(t *testing.T) {
			var req *saml.AuthnRequest
			var resp *http.Response
			var err error
			if binding == saml.BindingHTTPRedirect {
				req, err = e.sp.RedirectAuthnRequest("/after/login?x=1")
				if err == nil {
					resp, err = e.idp.Client().Get(req.URL)
				}
			} else {
				req, err = e.sp.PostAuthnRequest("/after/login?x=1")
				if err == nil {
					resp, err = e.idp.Client().PostForm(req.URL, url.Values{"SAMLRequest": {req.SAMLRequest}, "RelayState": {req.RelayState}})
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("IdP answered %d: %s", resp.StatusCode, body)
			}
			if e.idp.LastRequestID() != req.ID {
				t.Fatalf("IdP saw request %q, SP issued %q", e.idp.LastRequestID(), req.ID)
			}
			r, err := http.PostForm(acs.URL, postedForm(t, string(body)))
			if err != nil {
				t.Fatal(err)
			}
			r.Body.Close()
			if verr != nil {
				t.Fatalf("HandleACS: %v", verr)
			}
			checkTestUser(t, got.Assertion)
			if got.RelayState != "/after/login?x=1" || got.Assertion.InResponseTo != req.ID {
				t.Errorf("RelayState %q InResponseTo %q", got.RelayState, got.Assertion.InResponseTo)
			}
		})
	}
}

func checkTestUser(t *testing.T, a *saml.Assertion) {
	t.Helper()
	if a.NameID.Value != "ada@customer.example" || !strings.HasSuffix(a.NameID.Format, "emailAddress") {
		t.Errorf("NameID = %+v", a.NameID)
	}
	if a.SessionIndex == "" || a.AuthnInstant.IsZero() || a.Issuer == "" {
		t.Errorf("SessionIndex %q AuthnInstant %v Issuer %q", a.SessionIndex, a.AuthnInstant, a.Issuer)
	}
	if got := a.Values("space_name"); !slices.Equal(got, []string{"Trial", "DevOps"}) {
		t.Errorf("space_name = %q", got)
	}
	if got := a.Values("space_role"); !slices.Equal(got, []string{"Space Member", "Space Developer"}) {
		t.Errorf("space_role = %q", got)
	}
	if got := a.Values("groups"); len(got) != 20 || got[19] != "6f1c0019-8d2a-4b7e-9c11-000000000019" {
		t.Errorf("groups (by FriendlyName) = %q", got)
	}
	if len(a.Attributes) != 4 {
		t.Errorf("got %d attributes, want 4", len(a.Attributes))
	}
}

func TestHandleACSRejectsBadRequests(t *testing.T) {
	e := newEnv(t, func(c *saml.Config) { c.MaxResponseBytes = 4096 })
	tests := []struct {
		name   string
		method string
		body   string
		want   error
	}{
		{"GET is rejected", http.MethodGet, "", saml.ErrBadRequest},
		{"missing SAMLResponse is rejected", http.MethodPost, "RelayState=x", saml.ErrBadRequest},
		{"oversized body is rejected before parsing", http.MethodPost, "SAMLResponse=" + strings.Repeat("A", 64<<10), saml.ErrTooLarge},
		{"oversized SAMLResponse is rejected before decoding", http.MethodPost, "SAMLResponse=" + strings.Repeat("A", 8000), saml.ErrTooLarge},
		{"non-base64 response is malformed", http.MethodPost, "SAMLResponse=%25%25%25", saml.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, acsURL, strings.NewReader(tt.body))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			_, err := e.sp.HandleACS(context.Background(), httptest.NewRecorder(), r, nil)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestIdPInitiatedLogin(t *testing.T) {
	e := newEnv(t, func(c *saml.Config) { c.InsecureAllowIdPInitiated = true })
	resp, err := e.idp.Client().Get(e.idp.URL + "/idp-initiated?RelayState=home")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	form := postedForm(t, string(body))
	a, err := e.sp.VerifyResponse(context.Background(), form.Get("SAMLResponse"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.InResponseTo != "" || form.Get("RelayState") != "home" {
		t.Errorf("InResponseTo %q RelayState %q", a.InResponseTo, form.Get("RelayState"))
	}
	checkTestUser(t, a)
}

func htmlUnescape(s string) string { return html.UnescapeString(s) }
