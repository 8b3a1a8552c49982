package groupsync

import (
	"context"
	"crypto"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// graphUserSelect is the $select of every Graph user query.
const graphUserSelect = "id,displayName,givenName,surname,mail,userPrincipalName,accountEnabled"

// GraphConfig configures a Microsoft Graph directory client.
type GraphConfig struct {
	// BaseURL of Microsoft Graph; default "https://graph.microsoft.com".
	BaseURL string
	// TenantID, ClientID and ClientSecret authenticate with the OAuth2
	// client-credentials grant against TokenURL.
	TenantID, ClientID, ClientSecret string
	// TokenURL defaults to
	// https://login.microsoftonline.com/{TenantID}/oauth2/v2.0/token.
	TokenURL string
	// Scopes default to "https://graph.microsoft.com/.default".
	Scopes []string
	// Certificate and Key replace the client secret with a client
	// assertion (private_key_jwt, RS256) signed by Key, whose public key
	// must be the certificate's; Key may live in an HSM or KMS.
	Certificate *x509.Certificate
	Key         crypto.Signer
	// Rand supplies assertion ids; nil means crypto/rand.Reader.
	Rand io.Reader
	// TokenSource, when set, replaces the client credentials altogether
	// (managed identities, workload identity federation).
	TokenSource oauth2.TokenSource
	// HTTPClient is used for Graph and the token endpoint; nil means
	// http.DefaultClient.
	HTTPClient *http.Client
	// PageSize is $top; default 999 (Graph's maximum for users).
	PageSize int
	// MaxUsers bounds a listing; default 2,000,000.
	MaxUsers int
	// MaxRetries on 429/503 (default 5) and MaxWait, the cap on one
	// Retry-After wait (default 5 minutes).
	MaxRetries int
	MaxWait    time.Duration
	// Sleep waits between retries; nil means a timer honouring ctx.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock for token expiry and HTTP-date Retry-After.
	Now func() time.Time
}

// Graph lists users and group memberships from Microsoft Graph.
type Graph struct {
	api      apiClient
	cc       *clientcredentials.Config
	ts       oauth2.TokenSource
	pageSize int
	maxUsers int
	tenant   string

	assert *assertionSigner // certificate credentials, or nil

	mu  sync.Mutex
	tok *oauth2.Token
}

// NewGraph validates cfg and returns a client.
func NewGraph(cfg GraphConfig) (*Graph, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = "https://graph.microsoft.com"
	}
	base, err := parseBaseURL("BaseURL", cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	g := &Graph{ts: cfg.TokenSource, pageSize: cfg.PageSize, maxUsers: cfg.MaxUsers, tenant: cfg.TenantID}
	if g.ts == nil {
		if g.cc, err = graphCredentials(cfg); err != nil {
			return nil, err
		}
		if g.assert, err = newAssertionSigner(cfg, g.cc); err != nil {
			return nil, err
		}
	}
	if g.pageSize <= 0 || g.pageSize > 999 {
		g.pageSize = 999
	}
	if g.maxUsers <= 0 {
		g.maxUsers = defaultMaxUsers
	}
	g.api = newAPIClient(base, cfg.HTTPClient, cfg.Sleep, cfg.Now, cfg.MaxRetries, cfg.MaxWait, retryAfterHeader)
	g.api.auth = g.authorize
	if g.ts == nil {
		g.api.reauth = g.dropToken
	}
	return g, nil
}

func graphCredentials(cfg GraphConfig) (*clientcredentials.Config, error) {
	if cfg.ClientID == "" || (cfg.ClientSecret == "") == (cfg.Certificate == nil) {
		return nil, &ConfigError{Field: "ClientSecret", Reason: "ClientID and exactly one of ClientSecret and Certificate (or a TokenSource) are required"}
	}
	if cfg.TokenURL == "" {
		if cfg.TenantID == "" {
			return nil, &ConfigError{Field: "TenantID", Reason: "required when TokenURL is empty"}
		}
		cfg.TokenURL = "https://login.microsoftonline.com/" + url.PathEscape(cfg.TenantID) + "/oauth2/v2.0/token"
	}
	if _, err := parseBaseURL("TokenURL", cfg.TokenURL); err != nil {
		return nil, err
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = []string{"https://graph.microsoft.com/.default"}
	}
	return &clientcredentials.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
		TokenURL: cfg.TokenURL, Scopes: cfg.Scopes, AuthStyle: oauth2.AuthStyleInParams}, nil
}

func newAPIClient(base *url.URL, hc *http.Client, sleep func(context.Context, time.Duration) error,
	now func() time.Time, retries int, maxWait time.Duration, p retryPolicy) apiClient {
	c := apiClient{client: hc, base: base, sleep: sleep, now: now, maxRetries: retries, maxWait: maxWait, retryAfter: p}
	if c.client == nil {
		c.client = http.DefaultClient
	}
	if c.sleep == nil {
		c.sleep = sleepCtx
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.maxRetries == 0 {
		c.maxRetries = defaultMaxRetries
	}
	if c.maxWait <= 0 {
		c.maxWait = defaultMaxWait
	}
	return c
}

func retryAfterHeader(resp *http.Response, now time.Time) (time.Duration, bool) {
	return ParseRetryAfter(resp.Header.Get("Retry-After"), now)
}

// authorize adds a bearer token: the configured TokenSource, or a cached
// client-credentials token fetched with the request's context.
func (g *Graph) authorize(ctx context.Context, req *http.Request) error {
	tok, err := g.token(ctx)
	if err != nil {
		return err
	}
	tok.SetAuthHeader(req)
	return nil
}

func (g *Graph) token(ctx context.Context) (_ *oauth2.Token, err error) {
	if g.ts != nil {
		return g.ts.Token()
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.tok != nil && (g.tok.Expiry.IsZero() || g.api.now().Add(time.Minute).Before(g.tok.Expiry)) {
		return g.tok, nil
	}
	cc := g.cc
	if g.assert != nil {
		if cc, err = g.assert.config(g.api.now()); err != nil {
			return nil, err
		}
	}
	tok, err := cc.Token(context.WithValue(ctx, oauth2.HTTPClient, g.api.client))
	if err != nil {
		return nil, err
	}
	g.tok = tok
	return tok, nil
}

// dropToken forgets the cached token, e.g. after Graph answered 401
// because it was revoked before its expiry.
func (g *Graph) dropToken() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.tok = nil
}

// graphUser is the JSON shape of a Graph user with graphUserSelect.
type graphUser struct {
	ODataType         string `json:"@odata.type"`
	ID                string `json:"id"`
	DisplayName       string `json:"displayName"`
	GivenName         string `json:"givenName"`
	Surname           string `json:"surname"`
	Mail              string `json:"mail"`
	UserPrincipalName string `json:"userPrincipalName"`
	AccountEnabled    *bool  `json:"accountEnabled"`
}

type graphPage[T any] struct {
	NextLink string `json:"@odata.nextLink"`
	Value    []T    `json:"value"`
}

func (u graphUser) directoryUser() DirectoryUser {
	d := DirectoryUser{ID: u.ID, Username: u.UserPrincipalName, Email: u.Mail, DisplayName: u.DisplayName,
		GivenName: u.GivenName, FamilyName: u.Surname, Active: u.AccountEnabled == nil || *u.AccountEnabled}
	if d.Email == "" {
		d.Email = u.UserPrincipalName
	}
	if !d.Active {
		d.Status = "disabled"
	}
	return d
}

// Users lists every user of the tenant (GET /v1.0/users), following
// @odata.nextLink.
func (g *Graph) Users(ctx context.Context) ([]DirectoryUser, error) {
	q := url.Values{"$select": {graphUserSelect}, "$top": {fmt.Sprint(g.pageSize)}}
	return g.listUsers(ctx, "/v1.0/users?"+q.Encode())
}

// GroupMembers lists the user members of a group
// (GET /v1.0/groups/{id}/members); nested groups and devices are skipped.
func (g *Graph) GroupMembers(ctx context.Context, groupID string) ([]DirectoryUser, error) {
	q := url.Values{"$select": {graphUserSelect}, "$top": {fmt.Sprint(g.pageSize)}}
	return g.listUsers(ctx, "/v1.0/groups/"+url.PathEscape(groupID)+"/members?"+q.Encode())
}

func (g *Graph) listUsers(ctx context.Context, ref string) ([]DirectoryUser, error) {
	var out []DirectoryUser
	for pages := 0; ref != ""; pages++ {
		if pages > g.maxUsers/g.pageSize+100 {
			return nil, fmt.Errorf("%w: too many pages", ErrTooLarge)
		}
		var page graphPage[graphUser]
		if _, err := g.api.do(ctx, http.MethodGet, ref, nil, &page); err != nil {
			return nil, err
		}
		for _, u := range page.Value {
			if u.ODataType != "" && u.ODataType != "#microsoft.graph.user" {
				continue
			}
			out = append(out, u.directoryUser())
		}
		if len(out) > g.maxUsers {
			return nil, fmt.Errorf("%w: more than %d users", ErrTooLarge, g.maxUsers)
		}
		ref = page.NextLink
	}
	return out, nil
}
