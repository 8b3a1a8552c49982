package scim

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults of [Config].
const (
	DefaultMaxBodyBytes = 1 << 20
	DefaultPageSize     = 100
	DefaultMaxPageSize  = 1000
)

// ContentType is the media type of SCIM requests and responses.
const ContentType = "application/scim+json"

// Config configures a [Handler].
type Config struct {
	// Authenticator maps bearer tokens to tenants. Required.
	Authenticator Authenticator
	// Store keeps the resources; nil uses a new [MemoryStore].
	Store Store
	// BaseURL is the absolute URL of the SCIM root as clients see it (for
	// example "https://app.example.com/scim/v2"); it builds meta.location
	// and the Location header, and its path is stripped from request paths
	// when present. Required.
	BaseURL string
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Rand is the source of resource ids; nil means crypto/rand.Reader.
	Rand io.Reader
	// MaxBodyBytes bounds request bodies; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// DefaultPageSize is the page size when a list has no count; 0 means
	// DefaultPageSize. MaxPageSize caps count; 0 means DefaultMaxPageSize.
	DefaultPageSize, MaxPageSize int
	// OnChange, if set, is called after every successful write, for
	// example to end the sessions of a deprovisioned user.
	OnChange func(r *http.Request, c Change)
	// Logger receives internal errors; nil discards them.
	Logger *slog.Logger
}

// ChangeKind says what a write did.
type ChangeKind string

// Change kinds.
const (
	Created     ChangeKind = "created"
	Updated     ChangeKind = "updated"
	Deactivated ChangeKind = "deactivated" // a User's active became false
	Reactivated ChangeKind = "reactivated" // a User's active became true
	Deleted     ChangeKind = "deleted"
)

// Change describes one successful write.
type Change struct {
	Tenant       string
	ResourceType string
	ID           string
	Kind         ChangeKind
	Resource     *Resource // nil for Deleted
}

// Handler serves the SCIM 2.0 endpoints /Users, /Groups,
// /ServiceProviderConfig, /ResourceTypes and /Schemas.
type Handler struct {
	cfg      Config
	base     string // BaseURL without trailing slash
	basePath string
	users    *resourceSchema
	groups   *resourceSchema
}

// New validates cfg and returns a Handler.
func New(cfg Config) (*Handler, error) {
	if cfg.Authenticator == nil {
		return nil, errors.New("scim: Config.Authenticator is required")
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || !u.IsAbs() || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("scim: Config.BaseURL %q must be an absolute URL without query", cfg.BaseURL)
	}
	if cfg.MaxBodyBytes < 0 || cfg.DefaultPageSize < 0 || cfg.MaxPageSize < 0 {
		return nil, errors.New("scim: Config limits must not be negative")
	}
	setDefaults(&cfg)
	if cfg.DefaultPageSize > cfg.MaxPageSize {
		return nil, errors.New("scim: Config.DefaultPageSize exceeds MaxPageSize")
	}
	h := &Handler{cfg: cfg, base: strings.TrimSuffix(cfg.BaseURL, "/"),
		basePath: strings.TrimSuffix(u.Path, "/")}
	h.users, h.groups = builtinTypes()
	return h, nil
}

// setDefaults fills zero fields.
func setDefaults(cfg *Config) {
	if cfg.Store == nil {
		cfg.Store = NewMemoryStore()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxPageSize == 0 {
		cfg.MaxPageSize = DefaultMaxPageSize
	}
	if cfg.DefaultPageSize == 0 {
		cfg.DefaultPageSize = min(DefaultPageSize, cfg.MaxPageSize)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
}

// Store returns the store the handler writes to.
func (h *Handler) Store() Store { return h.cfg.Store }

// ServeHTTP authenticates the request and routes it.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	token, ok := bearerToken(r)
	if !ok {
		h.writeError(w, r, toError(ErrUnauthorized))
		return
	}
	tenant, err := h.cfg.Authenticator.Authenticate(r.Context(), token)
	switch {
	case err != nil && !errors.Is(err, ErrUnauthorized):
		// A broken token store is not a bad token: answer 500 so the
		// client retries instead of flagging the credentials.
		h.writeError(w, r, &Error{Status: http.StatusInternalServerError, Detail: "internal error", Err: err})
		return
	case err != nil || tenant == "":
		h.writeError(w, r, toError(ErrUnauthorized))
		return
	}
	r = r.WithContext(ContextWithTenant(r.Context(), tenant))
	h.route(w, r, tenant)
}

// route dispatches an authenticated request.
func (h *Handler) route(w http.ResponseWriter, r *http.Request, tenant string) {
	p := strings.TrimPrefix(r.URL.Path, h.basePath)
	p = strings.Trim(p, "/")
	first, rest, _ := strings.Cut(p, "/")
	switch strings.ToLower(first) {
	case "users":
		h.serveResource(w, r, tenant, h.users, rest)
	case "groups":
		h.serveResource(w, r, tenant, h.groups, rest)
	case "serviceproviderconfig":
		h.serveDiscovery(w, r, rest == "", h.serviceProviderConfig)
	case "resourcetypes":
		h.serveDiscovery(w, r, true, func() any { return h.resourceTypes(rest) })
	case "schemas":
		h.serveDiscovery(w, r, true, func() any { return h.schemas(rest) })
	default:
		h.writeError(w, r, errorf(http.StatusNotFound, "", ErrNotFound, "no such endpoint"))
	}
}

// serveResource dispatches /Users and /Groups requests.
func (h *Handler) serveResource(w http.ResponseWriter, r *http.Request, tenant string, rs *resourceSchema, id string) {
	switch {
	case id == "" && r.Method == http.MethodGet:
		h.list(w, r, tenant, rs)
	case id == "" && r.Method == http.MethodPost:
		h.create(w, r, tenant, rs)
	case id == ".search" && r.Method == http.MethodPost:
		h.search(w, r, tenant, rs)
	case id == "" || strings.Contains(id, "/"):
		h.writeError(w, r, methodNotAllowed(r))
	case r.Method == http.MethodGet:
		h.get(w, r, tenant, rs, id)
	case r.Method == http.MethodPut:
		h.put(w, r, tenant, rs, id)
	case r.Method == http.MethodPatch:
		h.patch(w, r, tenant, rs, id)
	case r.Method == http.MethodDelete:
		h.delete(w, r, tenant, rs, id)
	default:
		h.writeError(w, r, methodNotAllowed(r))
	}
}

// methodNotAllowed is the error for an unsupported method.
func methodNotAllowed(r *http.Request) *Error {
	return errorf(http.StatusMethodNotAllowed, "", ErrInvalidSyntax, "method %s not allowed here", r.Method)
}

// readBody reads a bounded request body; a content type, when given, must
// be JSON (application/scim+json or application/json).
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.Contains(strings.ToLower(ct), "json") {
		return nil, errorf(http.StatusUnsupportedMediaType, "", ErrInvalidSyntax, "content type must be %s", ContentType)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.cfg.MaxBodyBytes))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, errorf(http.StatusRequestEntityTooLarge, "", ErrTooLarge, "body exceeds %d bytes", h.cfg.MaxBodyBytes)
	}
	if err != nil {
		return nil, errorf(http.StatusBadRequest, TypeInvalidSyntax, ErrInvalidSyntax, "cannot read body")
	}
	return body, nil
}

// readObject reads a body holding one JSON object.
func (h *Handler) readObject(w http.ResponseWriter, r *http.Request) (map[string]any, error) {
	body, err := h.readBody(w, r)
	if err != nil {
		return nil, err
	}
	var obj map[string]any
	if err := json.Unmarshal(body, &obj); err != nil || obj == nil {
		return nil, errorf(http.StatusBadRequest, TypeInvalidSyntax, ErrInvalidSyntax, "body must be a JSON object")
	}
	return obj, nil
}

// writeJSON writes a SCIM JSON response.
func (h *Handler) writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		h.cfg.Logger.Error("scim: encoding response", "err", err)
		status, b = http.StatusInternalServerError, []byte(`{"schemas":["`+ErrorSchema+`"],"status":"500","detail":"internal error"}`)
	}
	w.Header().Set("Content-Type", ContentType)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// errorBody is the RFC 7644 error response.
type errorBody struct {
	Schemas  []string `json:"schemas"`
	Status   string   `json:"status"`
	ScimType string   `json:"scimType,omitempty"`
	Detail   string   `json:"detail,omitempty"`
}

// writeError writes e in the RFC's JSON form.
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, e *Error) {
	if e.Status >= 500 {
		h.cfg.Logger.ErrorContext(r.Context(), "scim: request failed", "method", r.Method, "path", r.URL.Path, "err", e.Err)
	}
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="scim"`)
	}
	h.writeJSON(w, e.Status, errorBody{Schemas: []string{ErrorSchema},
		Status: fmt.Sprint(e.Status), ScimType: e.ScimType, Detail: e.Detail})
}

// newID returns a random UUID (version 4) string.
func (h *Handler) newID() (string, error) {
	b := make([]byte, 16)
	if _, err := io.ReadFull(h.cfg.Rand, b); err != nil {
		return "", fmt.Errorf("scim: reading random bytes: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:]), nil
}

// location returns the URL of a resource.
func (h *Handler) location(rs *resourceSchema, id string) string {
	return h.base + rs.endpoint + "/" + url.PathEscape(id)
}

// notify reports a change to the host.
func (h *Handler) notify(r *http.Request, c Change) {
	if h.cfg.OnChange != nil {
		if c.Resource != nil {
			c.Resource = c.Resource.Clone() // the host cannot alter the response
		}
		h.cfg.OnChange(r, c)
	}
}
