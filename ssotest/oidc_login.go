package ssotest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// Authorize plays the browser: it follows authURL (a relying party's
// authorization URL for this provider), lets the provider sign the user in,
// and returns the callback URL the browser would be sent to, with code,
// state and iss (or error) in its query.
func (p *OIDCProvider) Authorize(ctx context.Context, authURL string) (*url.URL, error) {
	c := *p.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		return nil, fmt.Errorf("ssotest: authorize answered %s: %s", resp.Status, body)
	}
	loc, err := resp.Location()
	if err != nil {
		return nil, errors.New("ssotest: authorize redirect without Location")
	}
	return loc, nil
}
