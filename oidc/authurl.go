package oidc

import (
	"context"
	"errors"
	"net/http"
	"time"

	"golang.org/x/oauth2"
)

// LoginRequest describes one login to start.
type LoginRequest struct {
	// ReturnTo is where the host sends the user after the login. It is
	// sealed in the state as given; the host validates it on the way back.
	ReturnTo string
	// ConnectionID identifies the host's connection; sealed in the state.
	ConnectionID string
	// LoginHint is sent as login_hint (usually the email the user typed).
	LoginHint string
	// Prompt is sent as prompt when set ("login", "select_account"...).
	Prompt string
}

// maxStateData bounds ReturnTo plus ConnectionID, so that the sealed state
// stays below MaxStateLength.
const maxStateData = 1024

// Login is a started login: redirect the browser to URL, and keep State in
// a cookie (HttpOnly, Secure, SameSite=Lax, expiring at Expires) so that
// [RP.Exchange] can check the callback comes back to the same browser.
type Login struct {
	URL     string
	State   string
	Expires time.Time
}

// Begin starts an authorization code login with PKCE (S256), a nonce and a
// sealed state carrying both, the return target and the connection ID.
func (rp *RP) Begin(ctx context.Context, req LoginRequest) (*Login, error) {
	if len(req.ReturnTo)+len(req.ConnectionID) > maxStateData {
		return nil, errors.New("oidc: ReturnTo and ConnectionID are too long for the state")
	}
	d, err := rp.disc.get(ctx)
	if err != nil {
		return nil, err
	}
	st, err := rp.newState(req)
	if err != nil {
		return nil, err
	}
	sealed, err := rp.sealer.seal(st, rp.cfg.Rand)
	if err != nil {
		return nil, err
	}
	opts := []oauth2.AuthCodeOption{
		oauth2.S256ChallengeOption(st.Verifier),
		oauth2.SetAuthURLParam("nonce", st.Nonce),
	}
	for k, v := range map[string]string{"login_hint": req.LoginHint, "prompt": req.Prompt, "hd": rp.cfg.HostedDomain} {
		if v != "" {
			opts = append(opts, oauth2.SetAuthURLParam(k, v))
		}
	}
	return &Login{URL: d.oauth.AuthCodeURL(sealed, opts...), State: sealed, Expires: st.Expires}, nil
}

// Cookie returns the cookie that carries the browser's copy of the state:
// HttpOnly, Secure, SameSite=Lax (the callback is a top-level GET from the
// provider), scoped to path, expiring with the state.
func (l *Login) Cookie(name, path string) *http.Cookie {
	return &http.Cookie{Name: name, Value: l.State, Path: path, Expires: l.Expires,
		HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode}
}

// newState mints the random values of a login. The PKCE verifier has 256
// bits of entropy, like oauth2.GenerateVerifier, but reads Config.Rand.
func (rp *RP) newState(req LoginRequest) (State, error) {
	var vals [3]string
	for i, n := range []int{16, 16, 32} {
		s, err := randomString(rp.cfg.Rand, n)
		if err != nil {
			return State{}, err
		}
		vals[i] = s
	}
	return State{
		ID: vals[0], Nonce: vals[1], Verifier: vals[2],
		ReturnTo: req.ReturnTo, ConnectionID: req.ConnectionID,
		Expires: rp.cfg.Now().Add(rp.cfg.StateTTL).Truncate(time.Second),
	}, nil
}
