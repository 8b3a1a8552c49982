package sso

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ssokit/ssokit/mapping"
)

// DebugRecord is what the last login of a connection received, for an
// administrator's troubleshooting ("which claims arrived?"). Values of
// claims that look like secrets or tokens are replaced by "[redacted]".
type DebugRecord struct {
	// At is when the login arrived; Claims lists every claim with the
	// path that reads it.
	At         time.Time       `json:"at"`
	Tenant     string          `json:"tenant"`
	Connection string          `json:"connection"`
	Issuer     string          `json:"issuer"`
	Subject    string          `json:"subject"`
	Claims     []mapping.Entry `json:"claims"`
}

// debugLog keeps the last record per connection, at most max records.
type debugLog struct {
	mu    sync.Mutex
	max   int
	order []string
	last  map[string]DebugRecord
}

func newDebugLog(max int) *debugLog {
	return &debugLog{max: max, last: map[string]DebugRecord{}}
}

func (d *debugLog) record(id Identity, now time.Time) {
	if d.max <= 0 {
		return
	}
	rec := DebugRecord{At: now, Tenant: id.Tenant, Connection: id.Connection, Issuer: id.Issuer,
		Subject: id.Subject, Claims: redact(id.Claims.List())}
	k := id.Tenant + "\x00" + id.Connection
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.last[k]; !ok {
		if len(d.order) >= d.max {
			delete(d.last, d.order[0])
			d.order = d.order[1:]
		}
		d.order = append(d.order, k)
	}
	d.last[k] = rec
}

func (d *debugLog) get(tenant, conn string) (DebugRecord, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	r, ok := d.last[tenant+"\x00"+conn]
	return r, ok
}

// redact hides values of claims whose name suggests a secret.
func redact(es []mapping.Entry) []mapping.Entry {
	for i, e := range es {
		name := e.Path
		if j := strings.IndexByte(name, ':'); j >= 0 && isDocSelector(name[:j]) {
			name = name[j+1:]
		}
		name = strings.ToLower(name)
		for _, w := range []string{"secret", "password", "token", "credential", "key"} {
			if strings.Contains(name, w) {
				es[i].JSON = `"[redacted]"`
				break
			}
		}
	}
	return es
}

func isDocSelector(s string) bool {
	return s == "id_token" || s == "access_token" || s == "userinfo" || s == "saml"
}

// LastClaims returns what the last login through a connection received
// (Config.DebugClaims must be positive). Show it only to the tenant's
// administrators.
func (h *Handler) LastClaims(tenant, connection string) (DebugRecord, bool) {
	return h.debug.get(tenant, connection)
}

// DebugHandler serves LastClaims as JSON at ?tenant=&connection=. Mount
// it behind the host's admin authentication, which must also check that
// the admin belongs to the tenant.
func (h *Handler) DebugHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec, ok := h.LastClaims(r.URL.Query().Get("tenant"), r.URL.Query().Get("connection"))
		if !ok {
			http.Error(w, "no login recorded", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(rec)
	})
}
