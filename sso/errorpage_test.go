package sso_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/sso"
)

func TestHostErrorRenderer(t *testing.T) {
	e := newEnv(t, envOptions{
		tenants: []sso.Tenant{{Slug: "acme", Connections: []sso.Connection{oidcConn("okta", sso.KindOkta)}}},
		cfg: func(c *sso.Config) {
			c.ErrorPage = sso.ErrorFunc(func(w http.ResponseWriter, _ *http.Request, e *sso.Error) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(e.Status())
				_ = json.NewEncoder(w).Encode(map[string]string{"code": string(e.Code), "message": e.Message})
			})
		},
	})
	resp, body := e.login("/sso/acme/login")
	var got map[string]string
	if err := json.Unmarshal([]byte(body), &got); err != nil || got["code"] != string(sso.CodeNotAllowed) ||
		got["message"] != "This user is not allowed to login" || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("%d %s (%v)", resp.StatusCode, body, err)
	}
}

// rawStore serves connections nobody validated (a host's own database).
type rawStore struct{ t sso.Tenant }

func (s rawStore) Tenant(context.Context, string) (*sso.Tenant, error) { t := s.t; return &t, nil }

func (s rawStore) Connection(_ context.Context, _, id string) (*sso.Connection, error) {
	for _, c := range s.t.Connections {
		if c.ID == id {
			return &c, nil
		}
	}
	return nil, sso.ErrNotFound
}

func TestConfigurationErrorAtLoginIsConfigurationError(t *testing.T) {
	short := jwtConn()
	short.Parameters.SharedSecret = "too-short" // jwtsso wants 32 bytes for HS256
	e := newEnv(t, envOptions{cfg: func(c *sso.Config) {
		c.Store = rawStore{sso.Tenant{Slug: "itglue", Connections: []sso.Connection{short}}}
	}})
	resp, body := e.get(e.browser, "/sso/itglue/login")
	wantError(t, resp, body, sso.CodeConfig)
	if strings.Contains(body, "too-short") {
		t.Fatal("secret shown")
	}
}

func TestSAMLACSWithoutResponseIsBadRequest(t *testing.T) {
	idp := newSAMLIdP(t)
	e := newSAMLEnv(t, idp)
	e.samlIdP(idp, e.start("/sso/acme/login"))
	resp, body := e.postACS(e.browser, url.Values{"RelayState": {"x"}})
	wantError(t, resp, body, sso.CodeBadRequest)
}
