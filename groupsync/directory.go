package groupsync

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DirectoryUser is a user as listed by a directory (Microsoft Graph or
// Okta), in one common shape.
type DirectoryUser struct {
	ID          string // the directory's immutable object id
	Username    string // userPrincipalName (Graph) or login (Okta)
	Email       string
	DisplayName string
	GivenName   string
	FamilyName  string
	Active      bool   // false when disabled, suspended or deprovisioned
	Status      string // the directory's own status word, if any
}

// Directory lists the users of an identity provider's directory. [Graph]
// and [Okta] implement it (Okta with its org users; use [Okta.AppUsers]
// directly for the users assigned to the app).
type Directory interface {
	Users(ctx context.Context) ([]DirectoryUser, error)
}

var (
	_ Directory = (*Graph)(nil)
	_ Directory = (*Okta)(nil)
)

// Defaults shared by the directory clients.
const (
	defaultMaxRetries = 5
	defaultMaxWait    = 5 * time.Minute
	defaultMaxUsers   = 2_000_000
	maxResponseBytes  = 32 << 20
)

// retryPolicy turns a throttled response into a wait, or false to use the
// default exponential wait.
type retryPolicy func(resp *http.Response, now time.Time) (time.Duration, bool)

// apiClient is the HTTP plumbing shared by the Graph and Okta clients:
// authentication, bounded bodies, same-origin paging and 429/503 retries
// through an injected sleep.
type apiClient struct {
	client     *http.Client
	base       *url.URL
	auth       func(ctx context.Context, req *http.Request) error
	sleep      func(ctx context.Context, d time.Duration) error
	now        func() time.Time
	maxRetries int
	maxWait    time.Duration
	retryAfter retryPolicy
	// reauth, when set, drops a cached access token; a 401 then gets one
	// retry with a fresh token.
	reauth func()
}

// sleepCtx waits for d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func parseBaseURL(field, raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.RawQuery != "" || u.Fragment != "" {
		return nil, &ConfigError{Field: field, Reason: fmt.Sprintf("%q is not an absolute http(s) URL without query", raw)}
	}
	return u, nil
}

// resolve makes an absolute URL from a path below the base, or checks that
// an absolute paging link stays on the base's origin.
func (c *apiClient) resolve(ref string) (string, error) {
	u, err := url.Parse(ref)
	if err != nil {
		return "", fmt.Errorf("groupsync: bad paging link: %w", err)
	}
	if !u.IsAbs() {
		return c.base.String() + ref, nil
	}
	if u.Scheme != c.base.Scheme || u.Host != c.base.Host || !strings.HasPrefix(u.Path, c.base.Path) {
		return "", fmt.Errorf("%w: %s", ErrForeignLink, u.Redacted())
	}
	return u.String(), nil
}

// do sends one request, retrying throttles, and decodes a 2xx JSON body
// into out. It returns the final response headers.
func (c *apiClient) do(ctx context.Context, method, ref string, body []byte, out any) (http.Header, error) {
	target, err := c.resolve(ref)
	if err != nil {
		return nil, err
	}
	reauthed := false
	for attempt := 0; ; attempt++ {
		resp, err := c.send(ctx, method, target, body)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode == http.StatusUnauthorized && c.reauth != nil && !reauthed {
			reauthed = true
			drain(resp)
			c.reauth()
			continue
		}
		if (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) && attempt < c.maxRetries {
			wait := c.wait(resp, attempt)
			drain(resp)
			if err := c.sleep(ctx, wait); err != nil {
				return nil, err
			}
			continue
		}
		defer drain(resp)
		return resp.Header, c.decode(method, target, resp, out)
	}
}

func (c *apiClient) send(ctx context.Context, method, target string, body []byte) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if err := c.auth(ctx, req); err != nil {
		return nil, fmt.Errorf("groupsync: directory credentials: %w", err)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("groupsync: %s %s: %w", method, stripQuery(target), err)
	}
	return resp, nil
}

func (c *apiClient) wait(resp *http.Response, attempt int) time.Duration {
	d, ok := c.retryAfter(resp, c.now())
	if !ok {
		d = time.Second << min(attempt, 10)
	}
	return max(0, min(d, c.maxWait))
}

func (c *apiClient) decode(method, target string, resp *http.Response, out any) error {
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		he := &HTTPError{Method: method, URL: stripQuery(target), StatusCode: resp.StatusCode, Body: string(snippet)}
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			he.Err = ErrThrottled
		}
		return he
	}
	if out == nil {
		return nil
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return fmt.Errorf("groupsync: reading %s: %w", stripQuery(target), err)
	}
	if len(data) > maxResponseBytes {
		return fmt.Errorf("%w: %s body over %d bytes", ErrTooLarge, stripQuery(target), maxResponseBytes)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("groupsync: decoding %s: %w", stripQuery(target), err)
	}
	return nil
}

func drain(resp *http.Response) {
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

func stripQuery(s string) string {
	s, _, _ = strings.Cut(s, "?")
	return s
}

// maxRetryAfter is the longest Retry-After accepted; longer values are
// treated as absent.
const maxRetryAfter = 24 * time.Hour

// ParseRetryAfter reads an HTTP Retry-After value: delay seconds or an
// HTTP date (relative to now). Values that are negative, malformed or over
// 24 hours report false.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 || n > int64(maxRetryAfter/time.Second) {
			return 0, false
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d <= maxRetryAfter {
			return max(0, d), true
		}
	}
	return 0, false
}
