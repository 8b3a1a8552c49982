package scim

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// Tokens of the two test tenants.
const (
	acmeToken   = "acme-0123456789abcdef0123456789abcdef"
	globexToken = "globex-fedcba9876543210fedcba9876543210"
)

// countingRand yields 0x01-filled blocks, then 0x02-filled and so on, so
// resource ids are predictable: 01010101-0101-4101-8101-010101010101.
type countingRand struct {
	mu sync.Mutex
	n  byte
}

func (c *countingRand) Read(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	for i := range p {
		p[i] = c.n
	}
	return len(p), nil
}

// testID is the n-th id the handler mints with countingRand.
func testID(n byte) string {
	h := func(b byte, k int) string {
		return strings.Repeat(string("0123456789abcdef"[b>>4])+string("0123456789abcdef"[b&15]), k)
	}
	v := n&0x0f | 0x40
	x := n&0x3f | 0x80
	return h(n, 4) + "-" + h(n, 2) + "-" + h(v, 1) + h(n, 1) + "-" + h(x, 1) + h(n, 1) + "-" + h(n, 6)
}

// env is an in-process SCIM server with two tenants.
type env struct {
	t     *testing.T
	srv   *httptest.Server
	h     *Handler
	store *MemoryStore
	base  string
	mu    sync.Mutex
	now   time.Time
}

// t0 is the test clock's start.
var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// newEnv starts a server mounted at /scim/v2.
func newEnv(t *testing.T, mod ...func(*Config)) *env {
	t.Helper()
	e := &env{t: t, store: NewMemoryStore(), now: t0}
	tokens := NewTokenSet()
	tokens.Add("acme", HashToken(acmeToken))
	tokens.Add("globex", HashToken(globexToken))
	mux := http.NewServeMux()
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	e.base = e.srv.URL + "/scim/v2"
	cfg := Config{Authenticator: tokens, Store: e.store, BaseURL: e.base, Rand: &countingRand{},
		Now: func() time.Time { e.mu.Lock(); defer e.mu.Unlock(); return e.now }}
	for _, m := range mod {
		m(&cfg)
	}
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.h = h
	mux.Handle("/scim/v2/", h)
	return e
}

// advance moves the clock.
func (e *env) advance(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.now = e.now.Add(d)
}

// response is a captured HTTP response.
type response struct {
	status int
	header http.Header
	body   string
}

// do sends a request with an Authorization header value (empty for none).
func (e *env) do(method, path, auth, body string, headers ...string) response {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.base+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/scim+json; charset=utf-8")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

// expect checks status, the JSON body (exactly, after replacing {{base}})
// and selected headers.
func (e *env) expect(step string, got response, status int, wantBody string, headers ...string) {
	e.t.Helper()
	if got.status != status {
		e.t.Fatalf("%s: status %d, want %d; body %s", step, got.status, status, got.body)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		want := strings.ReplaceAll(headers[i+1], "{{base}}", e.base)
		if g := got.header.Get(headers[i]); g != want {
			e.t.Errorf("%s: header %s = %q, want %q", step, headers[i], g, want)
		}
	}
	if wantBody == "" {
		if got.body != "" {
			e.t.Errorf("%s: body %s, want none", step, got.body)
		}
		return
	}
	if ct := got.header.Get("Content-Type"); ct != ContentType {
		e.t.Errorf("%s: Content-Type %q, want %q", step, ct, ContentType)
	}
	wantBody = strings.ReplaceAll(wantBody, "{{base}}", e.base)
	var g, w any
	if err := json.Unmarshal([]byte(got.body), &g); err != nil {
		e.t.Fatalf("%s: response is not JSON: %v: %s", step, err, got.body)
	}
	if err := json.Unmarshal([]byte(wantBody), &w); err != nil {
		e.t.Fatalf("%s: bad expectation: %v", step, err)
	}
	if !reflect.DeepEqual(g, w) {
		gb, _ := json.Marshal(g)
		wb, _ := json.Marshal(w)
		e.t.Errorf("%s: body\n got %s\nwant %s", step, gb, wb)
	}
}

// field decodes a response and returns one top-level member.
func field(t *testing.T, r response, name string) any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.body), &m); err != nil {
		t.Fatalf("not JSON: %s", r.body)
	}
	return m[name]
}

// expectStatus checks only the status and selected headers.
func (e *env) expectStatus(step string, got response, status int, headers ...string) {
	e.t.Helper()
	if got.status != status {
		e.t.Fatalf("%s: status %d, want %d; body %s", step, got.status, status, got.body)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if g := got.header.Get(headers[i]); g != headers[i+1] {
			e.t.Errorf("%s: header %s = %q, want %q", step, headers[i], g, headers[i+1])
		}
	}
}

// isErr is errors.Is, spelled short for table checks.
func isErr(err, target error) bool { return errors.Is(err, target) }
