package groupsync

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// OktaConfig configures an Okta directory client. Exactly one of APIKey and
// TokenSource is required.
type OktaConfig struct {
	// BaseURL is the Okta org URL, e.g. "https://acme.okta.com".
	BaseURL string
	// AppID is the app instance id (the client id of an OIDC app); needed
	// by AppUsers and IsAssigned.
	AppID string
	// APIKey is an Okta API token, sent as "Authorization: SSWS <key>".
	APIKey string
	// TokenSource gives OAuth2 bearer tokens with the scopes
	// okta.apps.read and okta.users.read.
	TokenSource oauth2.TokenSource
	// HTTPClient; nil means http.DefaultClient.
	HTTPClient *http.Client
	// PageSize is the limit parameter; default 200.
	PageSize int
	// MaxUsers bounds a listing; default 2,000,000.
	MaxUsers int
	// MaxRetries on 429/503 (default 5); MaxWait caps one wait (default 5
	// minutes).
	MaxRetries int
	MaxWait    time.Duration
	// Sleep waits for a rate-limit reset; nil means a timer honouring ctx.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock for X-Rate-Limit-Reset.
	Now func() time.Time
}

// Okta lists users and app assignments from the Okta management API.
type Okta struct {
	api      apiClient
	appID    string
	pageSize int
	maxUsers int
}

// NewOkta validates cfg and returns a client.
func NewOkta(cfg OktaConfig) (*Okta, error) {
	base, err := parseBaseURL("BaseURL", cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if (cfg.APIKey == "") == (cfg.TokenSource == nil) {
		return nil, &ConfigError{Field: "APIKey", Reason: "set exactly one of APIKey and TokenSource"}
	}
	o := &Okta{appID: cfg.AppID, pageSize: cfg.PageSize, maxUsers: cfg.MaxUsers}
	if o.pageSize <= 0 || o.pageSize > 500 {
		o.pageSize = 200
	}
	if o.maxUsers <= 0 {
		o.maxUsers = defaultMaxUsers
	}
	o.api = newAPIClient(base, cfg.HTTPClient, cfg.Sleep, cfg.Now, cfg.MaxRetries, cfg.MaxWait, oktaRetryAfter)
	o.api.auth = oktaAuth(cfg.APIKey, cfg.TokenSource)
	return o, nil
}

func oktaAuth(key string, ts oauth2.TokenSource) func(context.Context, *http.Request) error {
	if key != "" {
		return func(_ context.Context, r *http.Request) error {
			r.Header.Set("Authorization", "SSWS "+key)
			return nil
		}
	}
	return func(_ context.Context, r *http.Request) error {
		tok, err := ts.Token()
		if err != nil {
			return err
		}
		tok.SetAuthHeader(r)
		return nil
	}
}

// oktaRetryAfter waits until X-Rate-Limit-Reset (UTC epoch seconds), or
// for Retry-After.
func oktaRetryAfter(resp *http.Response, now time.Time) (time.Duration, bool) {
	if reset, ok := rateLimitReset(resp.Header); ok {
		return max(0, reset.Sub(now)) + time.Second, true
	}
	return retryAfterHeader(resp, now)
}

func rateLimitReset(h http.Header) (time.Time, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(h.Get("X-Rate-Limit-Reset")), 10, 64)
	if err != nil || n <= 0 || n > 1<<40 {
		return time.Time{}, false
	}
	return time.Unix(n, 0), true
}

type oktaUser struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	Profile struct {
		Login       string `json:"login"`
		Email       string `json:"email"`
		FirstName   string `json:"firstName"`
		LastName    string `json:"lastName"`
		DisplayName string `json:"displayName"`
	} `json:"profile"`
}

type oktaAppUser struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	Scope       string `json:"scope"`
	Credentials struct {
		UserName string `json:"userName"`
	} `json:"credentials"`
	Profile struct {
		Email      string `json:"email"`
		GivenName  string `json:"given_name"`
		FamilyName string `json:"family_name"`
		Name       string `json:"name"`
	} `json:"profile"`
}

func oktaActive(status string) bool {
	switch strings.ToUpper(status) {
	case "DEPROVISIONED", "SUSPENDED", "INACTIVE":
		return false
	}
	return true
}

func (u oktaUser) directoryUser() DirectoryUser {
	p := u.Profile
	name := p.DisplayName
	if name == "" {
		name = strings.TrimSpace(p.FirstName + " " + p.LastName)
	}
	return DirectoryUser{ID: u.ID, Username: p.Login, Email: p.Email, DisplayName: name,
		GivenName: p.FirstName, FamilyName: p.LastName, Active: oktaActive(u.Status), Status: u.Status}
}

func (u oktaAppUser) directoryUser() DirectoryUser {
	email := u.Profile.Email
	if email == "" {
		email = u.Credentials.UserName
	}
	return DirectoryUser{ID: u.ID, Username: u.Credentials.UserName, Email: email, DisplayName: u.Profile.Name,
		GivenName: u.Profile.GivenName, FamilyName: u.Profile.FamilyName, Active: oktaActive(u.Status), Status: u.Status}
}

// Users lists the org's users (GET /api/v1/users), following Link rel="next".
func (o *Okta) Users(ctx context.Context) ([]DirectoryUser, error) {
	return oktaList(ctx, o, "/api/v1/users?limit="+strconv.Itoa(o.pageSize), oktaUser.directoryUser)
}

// AppUsers lists the users assigned to the app
// (GET /api/v1/apps/{appId}/users), following Link rel="next".
func (o *Okta) AppUsers(ctx context.Context) ([]DirectoryUser, error) {
	if o.appID == "" {
		return nil, &ConfigError{Field: "AppID", Reason: "required to list app users"}
	}
	ref := "/api/v1/apps/" + url.PathEscape(o.appID) + "/users?limit=" + strconv.Itoa(o.pageSize)
	return oktaList(ctx, o, ref, oktaAppUser.directoryUser)
}

// IsAssigned reports whether the Okta user is assigned to the app and the
// assignment is active (GET /api/v1/apps/{appId}/users/{userId}: 200 or
// 404). Use it to authorise a login or a provisioning action.
func (o *Okta) IsAssigned(ctx context.Context, userID string) (bool, error) {
	if o.appID == "" {
		return false, &ConfigError{Field: "AppID", Reason: "required to check assignments"}
	}
	if userID == "" {
		return false, nil
	}
	var au oktaAppUser
	ref := "/api/v1/apps/" + url.PathEscape(o.appID) + "/users/" + url.PathEscape(userID)
	_, err := o.api.do(ctx, http.MethodGet, ref, nil, &au)
	var he *HTTPError
	if errors.As(err, &he) && he.StatusCode == http.StatusNotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return au.ID == userID && oktaActive(au.Status), nil
}

func oktaList[T any](ctx context.Context, o *Okta, ref string, conv func(T) DirectoryUser) ([]DirectoryUser, error) {
	var out []DirectoryUser
	for pages := 0; ref != ""; pages++ {
		if pages > o.maxUsers/o.pageSize+100 {
			return nil, fmt.Errorf("%w: too many pages", ErrTooLarge)
		}
		var page []T
		h, err := o.api.do(ctx, http.MethodGet, ref, nil, &page)
		if err != nil {
			return nil, err
		}
		for _, u := range page {
			out = append(out, conv(u))
		}
		if len(out) > o.maxUsers {
			return nil, fmt.Errorf("%w: more than %d users", ErrTooLarge, o.maxUsers)
		}
		ref = NextLink(h.Values("Link"))
		if err := o.pace(ctx, h, ref); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// pace waits for the rate-limit window to reset when the last response
// said no requests remain and another page is needed.
func (o *Okta) pace(ctx context.Context, h http.Header, next string) error {
	if next == "" || strings.TrimSpace(h.Get("X-Rate-Limit-Remaining")) != "0" {
		return nil
	}
	reset, ok := rateLimitReset(h)
	if !ok {
		return nil
	}
	return o.api.sleep(ctx, min(max(0, reset.Sub(o.api.now()))+time.Second, o.api.maxWait))
}

// NextLink returns the target of the rel="next" link in HTTP Link header
// values (RFC 8288), or "" when there is none.
func NextLink(values []string) string {
	for _, v := range values {
		for _, link := range strings.Split(v, ",") {
			target, params, ok := strings.Cut(link, ";")
			target = strings.TrimSpace(target)
			if !ok || len(target) < 2 || target[0] != '<' || target[len(target)-1] != '>' {
				continue
			}
			for _, p := range strings.Split(params, ";") {
				k, val, _ := strings.Cut(strings.TrimSpace(p), "=")
				if strings.EqualFold(strings.TrimSpace(k), "rel") && relHasNext(val) {
					return target[1 : len(target)-1]
				}
			}
		}
	}
	return ""
}

func relHasNext(v string) bool {
	for _, r := range strings.Fields(strings.Trim(strings.TrimSpace(v), `"`)) {
		if strings.EqualFold(r, "next") {
			return true
		}
	}
	return false
}
