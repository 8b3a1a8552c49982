package setup_test

import (
	"bytes"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/sso/setup"
)

func TestDomainsPageShowsRecordAndVerifies(t *testing.T) {
	e := newEnv(t)
	c := e.openLink(t, "acme")
	res, body := c.form("/setup/domains", url.Values{"domain": {"Pending.Example"}})
	if res.StatusCode != 200 || !strings.Contains(body, "Claimed pending.example") {
		t.Fatalf("form claim: %d %s", res.StatusCode, body)
	}
	d, _ := findDomain(t, c, "pending.example")
	section := between(t, body, `<section id="domains">`, `</section>`)
	for _, want := range []string{
		`<code class="record-name">_ssokit-verification.pending.example</code>`,
		`<code class="record-value">` + d.RecordValue + `</code>`,
		`action="` + e.srv.URL + `/setup/domains/pending.example/verify"`,
		`Verify now`,
		`not checked yet`,
	} {
		if !strings.Contains(section, want) {
			t.Errorf("domains section lacks %s:\n%s", want, section)
		}
	}
	verified := between(t, section, `id="domain-acme.example"`, `</div>`)
	if strings.Contains(verified, "record-value") || strings.Contains(verified, "Verify now") || !strings.Contains(verified, "verified by the operator") {
		t.Errorf("verified domain row: %s", verified)
	}

	res, body = c.form("/setup/domains/pending.example/verify", url.Values{})
	if res.StatusCode != 200 || !strings.Contains(html.UnescapeString(body), "pending.example is still pending: no TXT record at _ssokit-verification.pending.example") {
		t.Fatalf("verify without a record: %d %s", res.StatusCode, body)
	}
	e.txt.publish(d.RecordName, d.RecordValue)
	res, body = c.form("/setup/domains/pending.example/verify", url.Values{})
	if res.StatusCode != 200 || !strings.Contains(body, `id="notice">pending.example is verified`) {
		t.Fatalf("verify with the record: %d %s", res.StatusCode, body)
	}
}

func TestDomainsPageRefusedNameNextToField(t *testing.T) {
	e := newEnv(t)
	c := e.openLink(t, "acme")
	res, body := c.form("/setup/domains", url.Values{"domain": {"gmail.com"}})
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("claim gmail.com: %d", res.StatusCode)
	}
	form := between(t, body, `<form method="post" action="`+e.srv.URL+`/setup/domains" id="claim-domain">`, `</form>`)
	if !strings.Contains(form, `data-field="domain">`) || !strings.Contains(form, "consumer mail domain") || !strings.Contains(form, `value="gmail.com"`) {
		t.Fatalf("claim form after a refused name: %s", form)
	}
	res, body = c.form("/setup/domains/unknown.example/verify", url.Values{})
	if res.StatusCode != http.StatusNotFound || !strings.Contains(body, "has not claimed this domain") {
		t.Fatalf("verify an unclaimed domain: %d", res.StatusCode)
	}
}

func TestDomainsSectionNeedsConfig(t *testing.T) {
	store, err := sso.NewMemoryStore(sso.Secrets{})
	if err != nil {
		t.Fatal(err)
	}
	h, err := setup.New(setup.Config{BaseURL: "https://app.example/setup", SSOBaseURL: "https://app.example/sso",
		Store: store, LinkKey: bytes.Repeat([]byte("k"), 32)})
	if err != nil {
		t.Fatal(err)
	}
	link, _ := h.NewLink("acme", time.Hour)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", link, nil))
	cookie := rec.Result().Cookies()[0]
	get := func(method, path string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, "https://app.example/setup"+path, nil)
		r.AddCookie(cookie)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	if w := get("GET", "/api/domains"); w.Code != http.StatusNotFound {
		t.Fatalf("GET api/domains without Config.Domains: %d", w.Code)
	}
	if w := get("GET", "/"); w.Code != 200 || strings.Contains(w.Body.String(), `id="domains"`) {
		t.Fatalf("page without Config.Domains: %d, shows the domains section", w.Code)
	}
}

// between returns the text of s from the first start to the next end.
func between(t *testing.T, s, start, end string) string {
	t.Helper()
	i := strings.Index(s, start)
	if i < 0 {
		t.Fatalf("%q not found in %s", start, s)
	}
	j := strings.Index(s[i:], end)
	if j < 0 {
		t.Fatalf("%q not found after %q", end, start)
	}
	return s[i : i+j]
}
