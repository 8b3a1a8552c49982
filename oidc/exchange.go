package oidc

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// maxCodeBytes bounds the authorization code accepted from the callback.
const maxCodeBytes = 4096

// Callback is what came back to the redirect URL.
type Callback struct {
	State            string // state parameter
	Code             string // code parameter
	Issuer           string // iss parameter (RFC 9207), when the provider sends it
	Error            string // error parameter, when the provider refused
	ErrorDescription string // error_description parameter
	// Cookie is the browser's copy of the state (see [Login]). It must
	// equal State unless Config.InsecureSkipStateCookie is set.
	Cookie string
}

// CallbackFromRequest reads a Callback from the query of r and the value of
// the named cookie.
func CallbackFromRequest(r *http.Request, cookieName string) Callback {
	q := r.URL.Query()
	cb := Callback{
		State: q.Get("state"), Code: q.Get("code"), Issuer: q.Get("iss"),
		Error: q.Get("error"), ErrorDescription: q.Get("error_description"),
	}
	if c, err := r.Cookie(cookieName); err == nil {
		cb.Cookie = c.Value
	}
	return cb
}

// Tokens is the result of a login or a refresh: every token and claim as
// received and verified.
type Tokens struct {
	// IDToken is the verified ID token; nil after a refresh whose answer
	// had none.
	IDToken *IDToken
	// Subject is the ID token's sub (after a refresh without ID token: the
	// subject that was refreshed).
	Subject string
	// AccessToken and its claims when it is a JWT (not signature-checked:
	// see the package documentation), for test expressions and group paths.
	AccessToken       string
	AccessTokenClaims map[string]any
	TokenType         string
	// RefreshToken is empty unless the provider issued one (ask with
	// Config.OfflineAccess). After a refresh it is the token to store.
	RefreshToken string
	// RefreshTokenRotated reports a refresh answer with a new refresh
	// token (Okta, Entra ID): the old one is now invalid.
	RefreshTokenRotated bool
	// Expiry is the access token's expiry.
	Expiry time.Time
	// UserInfo holds the userinfo claims when Config.FetchUserInfo is set.
	UserInfo map[string]any
	// GroupsOverage is set when Entra ID left the groups out of the token
	// because there are too many; fetch them from Microsoft Graph.
	GroupsOverage *GroupsOverage
	// ReturnTo and ConnectionID come from the login state.
	ReturnTo     string
	ConnectionID string
}

// Exchange completes a login: it checks the state (sealed, unexpired,
// bound to the browser, not used before), the provider's answer and its iss
// parameter, exchanges the code with the PKCE verifier, verifies the ID
// token against the login's nonce and, if configured, fetches userinfo.
//
// Errors wrap [ErrInvalidState], [ErrAuthorization], [ErrCodeExchange],
// [ErrIdentity] or [ErrDiscovery].
func (rp *RP) Exchange(ctx context.Context, cb Callback) (*Tokens, error) {
	d, err := rp.disc.get(ctx)
	if err != nil {
		return nil, err
	}
	st, err := rp.consumeState(ctx, cb)
	if err != nil {
		return nil, err
	}
	if cb.Error != "" {
		return nil, &AuthorizationError{Code: cb.Error, Description: cb.ErrorDescription}
	}
	if cb.Code == "" || len(cb.Code) > maxCodeBytes {
		return nil, &ExchangeError{Err: errors.New("missing or oversized code")}
	}
	if err := d.checkIssParam(cb.Issuer); err != nil {
		return nil, err
	}
	tok, err := d.oauth.Exchange(d.clientContext(ctx), cb.Code, oauth2.VerifierOption(st.Verifier))
	if err != nil {
		code, desc := retrieveErrorCode(err)
		return nil, &ExchangeError{Code: code, Description: desc, Err: err}
	}
	raw, _ := tok.Extra("id_token").(string)
	id, err := rp.verify(ctx, d, raw, verifyOpts{nonce: st.Nonce, checkNonce: true, accessToken: tok.AccessToken})
	if err != nil {
		return nil, err
	}
	t := newTokens(tok, id, "")
	t.ReturnTo, t.ConnectionID = st.ReturnTo, st.ConnectionID
	if err := rp.addUserInfo(ctx, d, t); err != nil {
		return nil, err
	}
	return t, nil
}

// checkIssParam applies RFC 9207: an iss parameter must name this provider,
// and must be present when the provider announces it.
func (d *discovered) checkIssParam(iss string) error {
	if iss == "" && !d.issParam {
		return nil
	}
	if d.template {
		if prefix, _, _ := strings.Cut(d.issuer, tenantPlaceholder); strings.HasPrefix(iss, prefix) {
			tid, _, _ := strings.Cut(iss[len(prefix):], "/")
			if want, ok := d.expectedIssuer(tid); ok && want == iss {
				return nil
			}
		}
	} else if iss == d.issuer {
		return nil
	}
	return &IssuerError{Got: iss, Want: d.issuer}
}

// clientContext carries the token endpoint client for x/oauth2.
func (d *discovered) clientContext(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, d.client)
}

func retrieveErrorCode(err error) (code, desc string) {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return re.ErrorCode, re.ErrorDescription
	}
	return "", ""
}

func newTokens(tok *oauth2.Token, id *IDToken, subject string) *Tokens {
	t := &Tokens{
		IDToken: id, Subject: subject,
		AccessToken: tok.AccessToken, AccessTokenClaims: unverifiedClaims(tok.AccessToken),
		TokenType: tok.TokenType, RefreshToken: tok.RefreshToken, Expiry: tok.Expiry,
	}
	if id != nil {
		t.Subject = id.Subject
		t.GroupsOverage = groupsOverage(id.Claims)
	}
	return t
}
