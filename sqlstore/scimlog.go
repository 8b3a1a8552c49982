package sqlstore

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// MaxSCIMRequests is how many SCIM requests per tenant the log keeps.
const MaxSCIMRequests = 200

// maxLoggedPath bounds a logged request path.
const maxLoggedPath = 512

// SCIMRequest is one logged SCIM request of a tenant: method, path
// (without the query, which may hold filters on personal data) and the
// response status.
type SCIMRequest struct {
	Seq    int64
	Tenant string
	At     time.Time
	Method string
	Path   string
	Status int
}

// tenantSlot receives the tenant Authenticate resolved for a request.
type tenantSlot struct{ tenant string }

type slotKey struct{}

// SCIMRequestLogger wraps a scim.Handler whose Authenticator is this
// store: each request that authenticates is recorded in its tenant's log
// with its status (the latest [MaxSCIMRequests] are kept). Requests with
// an unknown token belong to no tenant and are not recorded. The tenant
// is learnt from the handler's own call of [Store.Authenticate], so the
// token is looked up once.
func (s *Store) SCIMRequestLogger(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slot := &tenantSlot{}
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), slotKey{}, slot)))
		if slot.tenant == "" {
			return
		}
		path := r.URL.Path
		if len(path) > maxLoggedPath {
			path = path[:maxLoggedPath]
		}
		// Best effort: the response is sent; a failed write loses one entry.
		_ = s.logSCIM(context.WithoutCancel(r.Context()), SCIMRequest{
			Tenant: slot.tenant, Method: r.Method, Path: path, Status: rec.status})
	})
}

// noteTenant fills the request's slot, if any, after authentication.
func noteTenant(ctx context.Context, tenant string) {
	if slot, ok := ctx.Value(slotKey{}).(*tenantSlot); ok {
		slot.tenant = tenant
	}
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

// WriteHeader records the first status.
func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

// Write marks the (implicit 200) status as written.
func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// logSCIM appends a request and trims the tenant's log.
func (s *Store) logSCIM(ctx context.Context, e SCIMRequest) error {
	_, err := s.db.ExecContext(ctx, s.q("INSERT INTO ssokit_scim_requests (tenant, at, method, path, status) VALUES (?, ?, ?, ?, ?)"),
		e.Tenant, s.now().UnixNano(), e.Method, e.Path, e.Status)
	if err != nil {
		return wrapWrite(err)
	}
	_, err = s.db.ExecContext(ctx, s.q(`DELETE FROM ssokit_scim_requests WHERE tenant = ? AND seq < (
		SELECT MIN(seq) FROM (SELECT seq FROM ssokit_scim_requests WHERE tenant = ? ORDER BY seq DESC LIMIT ?) AS keep)`),
		e.Tenant, e.Tenant, MaxSCIMRequests)
	return wrapWrite(err)
}

// SCIMRequests returns a tenant's latest SCIM requests, newest first, at
// most limit (0 or less means all kept).
func (s *Store) SCIMRequests(ctx context.Context, tenant string, limit int) ([]SCIMRequest, error) {
	if limit <= 0 || limit > MaxSCIMRequests {
		limit = MaxSCIMRequests
	}
	rows, err := s.db.QueryContext(ctx, s.q("SELECT seq, at, method, path, status FROM ssokit_scim_requests WHERE tenant = ? ORDER BY seq DESC LIMIT ?"), tenant, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: SCIM requests: %w", err)
	}
	defer rows.Close()
	var out []SCIMRequest
	for rows.Next() {
		e := SCIMRequest{Tenant: tenant}
		var at int64
		if err := rows.Scan(&e.Seq, &at, &e.Method, &e.Path, &e.Status); err != nil {
			return nil, fmt.Errorf("sqlstore: SCIM requests: %w", err)
		}
		e.At = fromNanos(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
