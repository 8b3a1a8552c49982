package setup_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/ssokit/ssokit/sso/setup"
	"github.com/ssokit/ssokit/ssotest"
)

// jwtFixture is a tenant admin with a partner JWT connection "partner"
// and the partner's login script signing for ada@acme.example.
type jwtFixture struct {
	e       *env
	admin   *client
	key     string
	partner *ssotest.JWTPartner
}

func newJWTFixture(t *testing.T, extra map[string]any) *jwtFixture {
	t.Helper()
	e := newEnv(t)
	admin := e.openLink(t, "acme")
	in := map[string]any{"id": "partner", "kind": "jwt", "generateSharedSecret": true, "provisioning": "jit",
		"parameters": map[string]any{"remoteLoginUrl": "https://partner.example/sso"}}
	for k, v := range extra {
		in[k] = v
	}
	var res setup.SaveResult
	admin.json("POST", "/setup/api/connections", in, 201, &res)
	p := ssotest.NewJWTPartner([]byte(res.SharedSecret), "Ada@Acme.example", e.srv.URL+"/sso/acme/jwt")
	t.Cleanup(p.Close)
	p.Now = func() time.Time { return e.now }
	return &jwtFixture{e: e, admin: admin, key: res.SharedSecret, partner: p}
}

// token has the partner's script sign one token and returns it.
func (f *jwtFixture) token(t *testing.T) string {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(f.partner.LoginURL())
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc, err := url.Parse(res.Header.Get("Location"))
	if err != nil || loc.Query().Get("jwt") == "" {
		t.Fatalf("the partner answered %d, Location %q", res.StatusCode, res.Header.Get("Location"))
	}
	return loc.Query().Get("jwt")
}

// check posts a token to the API and returns the result; the answer must
// never contain the SSO key.
func (f *jwtFixture) check(t *testing.T, token string) setup.TestResult {
	t.Helper()
	var res setup.TestResult
	body := f.admin.json("POST", "/setup/api/connections/partner/jwt-check", setup.JWTCheck{Token: token}, 200, &res)
	if strings.Contains(body, f.key) {
		t.Fatalf("the answer shows the SSO key: %s", body)
	}
	return res
}

func decision(res setup.TestResult, rule string) setup.Decision {
	for _, d := range res.Decisions {
		if d.Rule == rule {
			return d
		}
	}
	return setup.Decision{}
}

func received(res setup.TestResult, name string) string {
	for _, r := range res.Received {
		if r.Document == "JWT" && r.Name == name {
			return r.Value
		}
	}
	return ""
}

func TestJWTCheckAcceptsAGoodToken(t *testing.T) {
	f := newJWTFixture(t, map[string]any{"testExpressions": []string{`IDTOKEN.email = 'ada@acme.example'`}})
	res := f.check(t, "  "+f.token(t)+"\n") // pasted with the textarea's whitespace
	if res.Error != "" || !res.PastedToken || res.Connection != "partner" || res.Subject != "ada@acme.example" {
		t.Fatalf("result %+v", res)
	}
	if received(res, "email") != `"Ada@Acme.example"` || received(res, "jti") == "" || received(res, "iat") != jsonNumber(t0.Unix()) {
		t.Fatalf("received %+v", res.Received)
	}
	for rule, outcome := range map[string]string{"signature": "accepted", "time window": "accepted",
		"email": "accepted", "domain trust": "verified", "replay": "not checked",
		"expression IDTOKEN.email = 'ada@acme.example'": "passed"} {
		if got := decision(res, rule); got.Outcome != outcome {
			t.Errorf("decision %q: %+v, want outcome %q", rule, got, outcome)
		}
	}
	if !strings.Contains(decision(res, "time window").Why, "until 2026-11-23T12:01:00Z") {
		t.Errorf("time window: %+v", decision(res, "time window"))
	}
	if res.Report == nil || !res.Report.Result.Passed {
		t.Errorf("the test expressions did not run: %+v", res.Report)
	}
}

func jsonNumber(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestJWTCheckDomainNotVerified(t *testing.T) {
	f := newJWTFixture(t, nil)
	f.partner.Email = "ada@elsewhere.example"
	res := f.check(t, f.token(t))
	if d := decision(res, "domain trust"); res.Error != "" || d.Outcome != "not verified" || !strings.Contains(d.Why, "elsewhere.example") {
		t.Fatalf("result %+v", res)
	}
}

func TestJWTCheckRefusesBadTokens(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		knob  func(p *ssotest.JWTPartner)
		token func(f *jwtFixture) string
		want  string
	}{
		{name: "wrong key", knob: func(p *ssotest.JWTPartner) { p.WrongKey = true }, want: "signature: "},
		{name: "stale iat", knob: func(p *ssotest.JWTPartner) { p.IssuedAt = -2 * time.Minute }, want: "time window: iat must lie"},
		{name: "iat in the future", knob: func(p *ssotest.JWTPartner) { p.IssuedAt = 5 * time.Minute }, want: "time window: "},
		{name: "expired", knob: func(p *ssotest.JWTPartner) { p.ExpiresIn = -time.Second }, want: "time window: the token's exp or nbf"},
		{name: "alg none", knob: func(p *ssotest.JWTPartner) { p.Algorithm = "none" }, want: "algorithm: "},
		{name: "HS512 instead of HS256", knob: func(p *ssotest.JWTPartner) { p.Algorithm = "HS512" }, want: "algorithm: "},
		{name: "no jti", knob: func(p *ssotest.JWTPartner) { p.OmitJTI = true }, want: "claims: "},
		{name: "display name email", knob: func(p *ssotest.JWTPartner) { p.Email = "Ada <ada@acme.example>" }, want: "email: "},
		{name: "RS256 confusion", token: func(f *jwtFixture) string {
			payload, _ := json.Marshal(map[string]any{"iat": t0.Unix(), "jti": "x1", "email": "ada@acme.example"})
			b, err := jws.Sign(payload, jws.WithKey(jwa.RS256, rsaKey))
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}, want: "algorithm: "},
		{name: "not a JWT", token: func(*jwtFixture) string { return "not.a.jwt" }, want: "format: "},
		{name: "empty", token: func(*jwtFixture) string { return " \n" }, want: "paste the token"},
		{name: "too large", token: func(*jwtFixture) string { return strings.Repeat("a", setup.MaxCheckTokenBytes+1) }, want: "size: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newJWTFixture(t, nil)
			var tok string
			if tc.token != nil {
				tok = tc.token(f)
			} else {
				tc.knob(f.partner)
				tok = f.token(t)
			}
			res := f.check(t, tok)
			if !strings.HasPrefix(res.Error, tc.want) || len(res.Received) > 0 || len(res.Decisions) > 0 {
				t.Fatalf("error %q, want prefix %q; result %+v", res.Error, tc.want, res)
			}
		})
	}
}

// A check happens before any work on an oversized token: even for a
// connection that does not exist it says only that the token is too
// large.
func TestJWTCheckBoundsTheTokenFirst(t *testing.T) {
	f := newJWTFixture(t, nil)
	var res setup.TestResult
	f.admin.json("POST", "/setup/api/connections/nosuch/jwt-check",
		setup.JWTCheck{Token: strings.Repeat("a", setup.MaxCheckTokenBytes+1)}, 200, &res)
	if !strings.HasPrefix(res.Error, "size: ") {
		t.Fatalf("result %+v", res)
	}
	f.admin.json("POST", "/setup/api/connections/nosuch/jwt-check", setup.JWTCheck{Token: "a.b.c"}, 404, nil)
}

func TestJWTCheckOnlyForJWTConnections(t *testing.T) {
	f := newJWTFixture(t, nil)
	f.admin.json("POST", "/setup/api/connections", map[string]any{"id": "entra", "kind": "oidc", "generateKeyPair": true,
		"parameters": map[string]any{"discoveryEndpoint": "https://login.example.com", "clientId": "app"}}, 201, nil)
	var body setup.APIError
	f.admin.json("POST", "/setup/api/connections/entra/jwt-check", setup.JWTCheck{Token: f.token(t)}, 422, &body)
	if !strings.Contains(body.Error, "partner JWT connections only") {
		t.Fatalf("answer %+v", body)
	}
	_, page := f.admin.do("GET", "/setup/", nil, "")
	if strings.Count(page, `class="jwt-check"`) != 1 || !strings.Contains(page, `action="`+f.e.srv.URL+`/setup/connections/partner/jwt-check"`) {
		t.Fatalf("the token form is not on the JWT connection only:\n%s", page)
	}
}

func TestJWTCheckIsTheTenantsOwn(t *testing.T) {
	f := newJWTFixture(t, nil)
	other := f.e.openLink(t, "globex")
	other.json("POST", "/setup/api/connections/partner/jwt-check", setup.JWTCheck{Token: f.token(t)}, 404, nil)
	res, _ := other.form("/setup/connections/partner/jwt-check", url.Values{"token": {f.token(t)}})
	if res.StatusCode != 404 {
		t.Fatalf("globex's page checked acme's connection: %d", res.StatusCode)
	}
}

func TestJWTCheckNeedsCSRF(t *testing.T) {
	f := newJWTFixture(t, nil)
	tok := f.token(t)
	csrf := f.admin.csrf
	f.admin.csrf = ""
	res, body := f.admin.do("POST", "/setup/api/connections/partner/jwt-check", strings.NewReader(`{"token":"`+tok+`"}`), "application/json")
	if res.StatusCode != 403 {
		t.Fatalf("API without CSRF token: %d %s", res.StatusCode, body)
	}
	f.admin.csrf = csrf
	if res, _ := f.admin.form("/setup/connections/partner/jwt-check", url.Values{"token": {tok}, "csrf": {"forged"}}); res.StatusCode != 403 {
		t.Fatalf("form with a forged CSRF token: %d", res.StatusCode)
	}
}

// The page's form shows the shared test result block.
func TestJWTCheckPage(t *testing.T) {
	f := newJWTFixture(t, nil)
	_, page := f.admin.do("GET", "/setup/", nil, "")
	if !strings.Contains(page, "Paste a JWT your login script produced") {
		t.Fatalf("no token form:\n%s", page)
	}
	res, page := f.admin.form("/setup/connections/partner/jwt-check", url.Values{"token": {f.token(t)}})
	for _, want := range []string{`id="test-result"`, "Token check on partner", "the token was accepted",
		`id="test-subject">ada@acme.example<`, "<td>JWT</td>", "<code>jti</code>", "replay", "not checked"} {
		if res.StatusCode != 200 || !strings.Contains(page, want) {
			t.Fatalf("%d: the result lacks %q:\n%s", res.StatusCode, want, page)
		}
	}
	if strings.Contains(page, f.key) {
		t.Fatal("the page shows the SSO key")
	}
	f.partner.WrongKey = true
	_, page = f.admin.form("/setup/connections/partner/jwt-check", url.Values{"token": {f.token(t)}})
	if !strings.Contains(page, `id="test-error">signature: `) {
		t.Fatalf("the page does not name the signature:\n%s", page)
	}
}

// A checked token still signs the user in once through the real JWT
// endpoint: the check did not use up its jti. The real login then does,
// so the same token is refused the second time.
func TestJWTCheckDoesNotConsumeTheToken(t *testing.T) {
	f := newJWTFixture(t, nil)
	f.e.now = time.Now() // the sso handler runs on the real clock
	f.admin = f.e.openLink(t, "acme")
	tok := f.token(t)
	for range 2 {
		if res := f.check(t, tok); res.Error != "" {
			t.Fatalf("check: %s", res.Error)
		}
	}
	login := func() *http.Response {
		user := f.e.client(t)
		user.http.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		res, _ := user.do("GET", "/sso/acme/jwt?jwt="+url.QueryEscape(tok), nil, "")
		return res
	}
	if res := login(); res.StatusCode/100 != 3 || !hasSession(res) {
		t.Fatalf("the checked token did not log in: %d", res.StatusCode)
	}
	if res := login(); hasSession(res) {
		t.Fatal("the real endpoint accepted the token twice")
	}
	if res := f.check(t, tok); res.Error != "" || decision(res, "replay").Outcome != "not checked" {
		t.Fatalf("after the login the check says %+v", res)
	}
}

// The check and the real JWT endpoint agree: a token the check refuses
// does not log in either.
func TestJWTCheckAgreesWithTheEndpoint(t *testing.T) {
	for name, knob := range map[string]func(p *ssotest.JWTPartner){
		"wrong key": func(p *ssotest.JWTPartner) { p.WrongKey = true },
		"stale iat": func(p *ssotest.JWTPartner) { p.IssuedAt = -2 * time.Minute },
		"alg none":  func(p *ssotest.JWTPartner) { p.Algorithm = "none" },
		"no email":  func(p *ssotest.JWTPartner) { p.OmitEmail = true },
	} {
		t.Run(name, func(t *testing.T) {
			f := newJWTFixture(t, nil)
			f.e.now = time.Now()
			f.admin = f.e.openLink(t, "acme")
			knob(f.partner)
			tok := f.token(t)
			if res := f.check(t, tok); res.Error == "" {
				t.Fatal("the check accepted the token")
			}
			user := f.e.client(t)
			user.http.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			if res, _ := user.do("GET", "/sso/acme/jwt?jwt="+url.QueryEscape(tok), nil, ""); hasSession(res) {
				t.Fatal("the endpoint logged the token in")
			}
		})
	}
}

func TestJWTCheckSaysWhatBlocksARealLogin(t *testing.T) {
	f := newJWTFixture(t, map[string]any{"disabled": true})
	if d := decision(f.check(t, f.token(t)), "connection"); d.Outcome != "disabled" {
		t.Fatalf("a disabled connection's check says %+v", d)
	}
	// A host-configured key reference is resolved through Config.Secrets;
	// when it cannot be, the answer names the reference, never a key.
	c, err := f.e.store.Connection(context.Background(), "acme", "partner")
	if err != nil {
		t.Fatal(err)
	}
	c.Disabled, c.Parameters.SharedSecret = false, "env:SSOKIT_TEST_SSO_KEY"
	t.Setenv("SSOKIT_TEST_SSO_KEY", f.key)
	if _, err := f.e.store.Put(context.Background(), "acme", *c); err != nil {
		t.Fatal(err)
	}
	if res := f.check(t, f.token(t)); res.Error != "" || decision(res, "connection").Outcome != "" {
		t.Fatalf("with the key in the environment: %+v", res)
	}
	os.Unsetenv("SSOKIT_TEST_SSO_KEY")
	res := f.check(t, f.token(t))
	if !strings.Contains(res.Error, "SSO key cannot be read") || !strings.Contains(res.Error, "SSOKIT_TEST_SSO_KEY") {
		t.Fatalf("result %+v", res)
	}
}
