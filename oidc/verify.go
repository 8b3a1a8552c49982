package oidc

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// MaxTokenBytes bounds an ID or access token; longer tokens are refused
// before any parsing or cryptography.
const MaxTokenBytes = 128 << 10

const (
	googleIssuer         = "https://accounts.google.com"
	googleIssuerNoScheme = "accounts.google.com"
)

// IDToken is a verified ID token.
type IDToken struct {
	Raw      string
	Issuer   string
	Subject  string
	Audience []string
	Expiry   time.Time
	IssuedAt time.Time
	// Claims holds every claim as received (JSON numbers are float64).
	Claims map[string]any
}

// VerifyIDToken verifies an ID token from this provider as a login
// response: signature with an allowed algorithm and a key of the provider's
// key set (re-fetched once on an unknown key ID), issuer (with the Entra ID
// tenant template), audience, azp, exp and iat with Config.ClockSkew, the
// given nonce, the pinned tenant and hosted domain. [RP.Exchange] calls it;
// it is exported for hosts that receive ID tokens by other means.
func (rp *RP) VerifyIDToken(ctx context.Context, rawIDToken, nonce string) (*IDToken, error) {
	d, err := rp.disc.get(ctx)
	if err != nil {
		return nil, err
	}
	return rp.verify(ctx, d, rawIDToken, verifyOpts{nonce: nonce, checkNonce: true})
}

type verifyOpts struct {
	nonce       string
	checkNonce  bool
	accessToken string // checked against at_hash when both are present
}

func (rp *RP) verify(ctx context.Context, d *discovered, raw string, o verifyOpts) (*IDToken, error) {
	if raw == "" || len(raw) > MaxTokenBytes {
		return nil, &ClaimsError{Reason: "ID token missing or too large"}
	}
	tok, err := d.verifier.Verify(ctx, raw)
	if err != nil {
		return nil, classifyVerifyError(raw, d.algs, err)
	}
	var claims map[string]any
	if err := tok.Claims(&claims); err != nil {
		return nil, &ClaimsError{Reason: "ID token claims unreadable", Err: err}
	}
	id := &IDToken{Raw: raw, Issuer: tok.Issuer, Subject: tok.Subject, Audience: tok.Audience,
		Expiry: tok.Expiry, IssuedAt: tok.IssuedAt, Claims: claims}
	if err := rp.checkClaims(d, id); err != nil {
		return nil, err
	}
	if o.checkNonce && (o.nonce == "" || subtle.ConstantTimeCompare([]byte(tok.Nonce), []byte(o.nonce)) != 1) {
		return nil, &NonceError{}
	}
	if tok.AccessTokenHash != "" && o.accessToken != "" {
		if err := tok.VerifyAccessToken(o.accessToken); err != nil {
			return nil, &AccessTokenHashError{Err: err}
		}
	}
	return id, nil
}

// checkClaims applies the OpenID Connect Core 3.1.3.7 rules that go-oidc is
// told to skip, with typed errors.
func (rp *RP) checkClaims(d *discovered, id *IDToken) error {
	if id.Subject == "" {
		return &ClaimsError{Reason: "ID token has no sub"}
	}
	if err := rp.checkIssuer(d, id); err != nil {
		return err
	}
	if err := rp.checkAudience(id); err != nil {
		return err
	}
	if err := rp.checkTimes(id); err != nil {
		return err
	}
	if hd := rp.cfg.HostedDomain; hd != "" && stringClaim(id.Claims, "hd") != hd {
		return &ClaimsError{Reason: "ID token hd does not match the hosted domain"}
	}
	return nil
}

func (rp *RP) checkIssuer(d *discovered, id *IDToken) error {
	tid := stringClaim(id.Claims, "tid")
	if want := rp.cfg.TenantID; want != "" && !strings.EqualFold(tid, want) {
		return &TenantError{Got: tid, Want: want}
	}
	want, ok := d.expectedIssuer(tid)
	if !ok {
		return &TenantError{Got: tid, Want: rp.cfg.TenantID}
	}
	if id.Issuer == want || want == googleIssuer && id.Issuer == googleIssuerNoScheme {
		return nil
	}
	return &IssuerError{Got: id.Issuer, Want: want}
}

func (rp *RP) checkAudience(id *IDToken) error {
	cid := rp.cfg.ClientID
	if !slices.Contains(id.Audience, cid) {
		return &AudienceError{Got: id.Audience, Want: cid}
	}
	azp, present := id.Claims["azp"]
	if !present && len(id.Audience) > 1 {
		return &AuthorizedPartyError{Want: cid}
	}
	if present && azp != cid {
		got, _ := azp.(string)
		return &AuthorizedPartyError{Got: got, Want: cid}
	}
	return nil
}

func (rp *RP) checkTimes(id *IDToken) error {
	now, skew := rp.cfg.Now(), rp.cfg.ClockSkew
	if id.Expiry.IsZero() || !now.Before(id.Expiry.Add(skew)) {
		return &ExpiredError{Expiry: id.Expiry, Now: now}
	}
	if id.IssuedAt.IsZero() || id.IssuedAt.After(now.Add(skew)) {
		return &IssuedAtError{IssuedAt: id.IssuedAt, Now: now}
	}
	if nbf, ok := id.Claims["nbf"].(float64); ok && time.Unix(int64(nbf), 0).After(now.Add(skew)) {
		return &NotBeforeError{NotBefore: time.Unix(int64(nbf), 0), Now: now}
	}
	return nil
}

func stringClaim(c map[string]any, name string) string {
	s, _ := c[name].(string)
	return s
}

// classifyVerifyError turns a go-oidc failure into a typed error. It reads
// the token header only on this error path, so the happy path parses once.
func classifyVerifyError(raw string, allowed []string, err error) error {
	h := readHeader(raw)
	if h.Alg != "" && !slices.Contains(allowed, h.Alg) {
		return &AlgorithmError{Got: h.Alg, Allowed: allowed}
	}
	return &SignatureError{KeyID: h.Kid, Err: err}
}

type joseHeader struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
}

// readHeader decodes the protected header of a compact JWS, or returns
// the zero value.
func readHeader(raw string) joseHeader {
	var h joseHeader
	seg, _, ok := strings.Cut(raw, ".")
	if !ok || len(seg) > 8<<10 {
		return h
	}
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err == nil {
		_ = json.Unmarshal(b, &h)
	}
	return h
}

// unverifiedClaims decodes the payload of a JWT-shaped access token without
// verifying it. Access tokens are meant for the resource server (Entra ID
// signs Graph tokens so that only Graph can check them); their claims are
// trusted here only because they come straight from the token endpoint over
// TLS (OpenID Connect Core 3.1.3.7 item 6) and, when the ID token has an
// at_hash, are bound to it. It returns nil when the token is not a JWT.
func unverifiedClaims(token string) map[string]any {
	if len(token) > MaxTokenBytes || strings.Count(token, ".") != 2 {
		return nil
	}
	parts := strings.Split(token, ".")
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	return m
}
