package sso_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ssokit/ssokit/sso"
)

// downCache is a shared replay cache that cannot be reached (Redis down).
type downCache struct{}

func (downCache) Seen(context.Context, string, time.Time) (bool, error) {
	return false, errors.New("dial tcp 127.0.0.1:6379: connection refused")
}

func TestUnreachableReplayCacheFailsClosed(t *testing.T) {
	t.Run("oidc", func(t *testing.T) {
		e := newEnv(t, envOptions{
			tenants: []sso.Tenant{{Slug: "acme", Connections: []sso.Connection{oidcConn("okta", sso.KindOkta)}}},
			users:   []sso.User{{ID: "ann", Tenant: "acme", Email: "ann@acme.example"}},
			cfg:     func(c *sso.Config) { c.ReplayCache = downCache{} },
		})
		resp, body := e.login("/sso/acme/login")
		wantError(t, resp, body, sso.CodeUnavailable)
		if e.lastSession() != nil {
			t.Fatal("login went through without the replay check")
		}
	})
	t.Run("saml", func(t *testing.T) {
		idp := newSAMLIdP(t)
		e := newEnv(t, envOptions{
			tenants: []sso.Tenant{{Slug: "acme", Connections: []sso.Connection{samlConn(idp)}}},
			cfg:     func(c *sso.Config) { c.ReplayCache = downCache{} },
		})
		idp.SPEntityID = e.srv.URL + "/sso/acme/saml/metadata"
		idp.ACSURL = e.srv.URL + "/sso/acme/saml/acs"
		resp, body := e.postACS(e.browser, e.samlIdP(idp, e.start("/sso/acme/login")))
		wantError(t, resp, body, sso.CodeUnavailable)
		if e.lastSession() != nil {
			t.Fatal("login went through without the replay check")
		}
	})
	t.Run("jwt", func(t *testing.T) {
		e := newEnv(t, envOptions{
			tenants: []sso.Tenant{{Slug: "itglue", Connections: []sso.Connection{jwtConn()}}},
			users:   []sso.User{{ID: "someone", Tenant: "itglue", Email: "someone@example.com"}},
			secrets: sso.Secrets{LookupEnv: func(n string) (string, bool) { return partnerKey, n == "ITGLUE_SSO_KEY" }},
			cfg:     func(c *sso.Config) { c.ReplayCache = downCache{} },
		})
		resp, body := e.get(e.browser, partnerRedirect(e, "itglue", jwtToken("someone@example.com"), partnerKey, ""))
		wantError(t, resp, body, sso.CodeUnavailable)
	})
}
