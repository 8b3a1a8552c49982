package setup_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/ssokit/ssokit/domains"
	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/sso/setup"
)

// exampleDNS is the tenant's DNS zone: TXT records by absolute name.
type exampleDNS map[string][]string

func (z exampleDNS) LookupTXT(_ context.Context, name string) ([]string, error) {
	if v, ok := z[name]; ok {
		return v, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

// A tenant's admin claims a domain through the JSON API and is told the
// TXT record to publish; "Verify now" reports what DNS holds.
func ExampleConfig_domains() {
	zone := exampleDNS{} // net.DefaultResolver in production
	svc, _ := domains.New(domains.Config{Resolver: zone, Rand: bytes.NewReader(make([]byte, 64))})
	store, _ := sso.NewMemoryStore(sso.Secrets{})
	h, err := setup.New(setup.Config{
		BaseURL: "https://app.example.com/setup", SSOBaseURL: "https://app.example.com/sso",
		Store: store, LinkKey: bytes.Repeat([]byte{7}, 32),
		Domains: svc, // the same service as sso.Config.Domains
	})
	if err != nil {
		panic(err)
	}
	// The admin's session: a setup link for acme, and its CSRF token.
	link, _ := h.NewLink("acme", time.Hour)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", link, nil))
	cookie := rec.Result().Cookies()[0]
	var csrf string
	call := func(method, path, body string, out any) int {
		r := httptest.NewRequest(method, "https://app.example.com/setup"+path, strings.NewReader(body))
		r.AddCookie(cookie)
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("X-CSRF-Token", csrf)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		_ = json.Unmarshal(w.Body.Bytes(), out)
		return w.Code
	}

	var s setup.Session
	call("GET", "/api/session", "", &s)
	csrf = s.CSRFToken

	var d setup.DomainView
	call("POST", "/api/domains", `{"domain": "Acme.Example."}`, &d)
	fmt.Println(d.Name, d.State)
	fmt.Println(d.RecordName, "=", d.RecordValue)

	var res setup.VerifyResult
	call("POST", "/api/domains/acme.example/verify", "", &res)
	fmt.Println(res.Verified, res.Result)

	zone[d.RecordName+"."] = []string{d.RecordValue}
	res = setup.VerifyResult{}
	call("POST", "/api/domains/acme.example/verify", "", &res)
	fmt.Println(res.Verified, res.Domain.State)

	var e setup.APIError
	fmt.Println(call("POST", "/api/domains", `{"domain": "gmail.com"}`, &e), e.Error)
	// Output:
	// acme.example pending
	// _ssokit-verification.acme.example = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
	// false no TXT record at _ssokit-verification.acme.example (NXDOMAIN or no TXT data)
	// true verified
	// 400 “gmail.com” is a consumer mail domain that anyone can sign up to
}
