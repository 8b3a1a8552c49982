package oidc

import (
	"context"
	"errors"

	"golang.org/x/oauth2"
)

// RefreshRequest names the refresh token to use and the user it belongs to.
type RefreshRequest struct {
	RefreshToken string
	// Subject is the sub of the user being refreshed. A refreshed ID token
	// or userinfo answer must carry the same sub. Empty skips that check.
	Subject string
}

// Refresh exchanges a refresh token for new tokens and claims, for
// background sync. A refresh token the provider refuses (invalid_grant:
// revoked, expired, already rotated) gives an error wrapping
// [ErrRefreshRevoked]; other failures wrap [ErrRefresh]. A new ID token in
// the answer is verified like at login, except for the nonce, and failures
// there wrap [ErrIdentity]; an unreachable discovery document wraps
// [ErrDiscovery].
func (rp *RP) Refresh(ctx context.Context, req RefreshRequest) (*Tokens, error) {
	if req.RefreshToken == "" {
		return nil, &RefreshError{Revoked: true, Err: errors.New("no refresh token")}
	}
	d, err := rp.disc.get(ctx)
	if err != nil {
		return nil, err
	}
	ts := d.oauth.TokenSource(d.clientContext(ctx), &oauth2.Token{RefreshToken: req.RefreshToken})
	tok, err := ts.Token()
	if err != nil {
		code, desc := retrieveErrorCode(err)
		return nil, &RefreshError{Code: code, Description: desc, Revoked: code == "invalid_grant", Err: err}
	}
	var id *IDToken
	if raw, _ := tok.Extra("id_token").(string); raw != "" {
		if id, err = rp.verify(ctx, d, raw, verifyOpts{accessToken: tok.AccessToken}); err != nil {
			return nil, err
		}
		if req.Subject != "" && id.Subject != req.Subject {
			return nil, &SubjectError{Source: "refreshed ID token", Got: id.Subject, Want: req.Subject}
		}
	}
	t := newTokens(tok, id, req.Subject)
	t.RefreshTokenRotated = t.RefreshToken != req.RefreshToken
	if err := rp.addUserInfo(ctx, d, t); err != nil {
		return nil, err
	}
	return t, nil
}
