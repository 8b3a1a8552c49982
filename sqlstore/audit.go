package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"time"

	"github.com/ssokit/ssokit/sso"
)

// Actions recorded in the audit log.
const (
	ActionConnectionCreate = "connection.create"
	ActionConnectionUpdate = "connection.update"
	ActionConnectionDelete = "connection.delete"
	ActionTenantUpdate     = "tenant.update"
	ActionTenantDelete     = "tenant.delete"
	ActionSCIMTokenCreate  = "scim_token.create"
	ActionSCIMTokenRotate  = "scim_token.rotate"
	ActionSCIMTokenRevoke  = "scim_token.revoke"
)

// AuditEvent is one change of a tenant's configuration. Every write of
// the store records one in the same transaction as the change. Changed
// names the fields that changed ("mode", "parameters.clientSecret"),
// never their values, so the log holds no secret.
type AuditEvent struct {
	Seq    int64
	Tenant string
	At     time.Time
	// Actor is who made the change, from [ContextWithActor] ("" when the
	// context carries none).
	Actor   string
	Action  string
	Target  string // connection id or SCIM token id; "" for the tenant
	Changed []string
}

type actorKey struct{}

// ContextWithActor returns a context naming who makes the changes done
// with it (the admin's email, "setup-link:<id>", "operator:<name>").
func ContextWithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// ActorFromContext returns the actor set by [ContextWithActor].
func ActorFromContext(ctx context.Context) (string, bool) {
	a, ok := ctx.Value(actorKey{}).(string)
	return a, ok
}

// audit appends an event in the caller's transaction.
func (s *Store) audit(ctx context.Context, q querier, tenant, action, target string, changed []string) error {
	actor, _ := ActorFromContext(ctx)
	if changed == nil {
		changed = []string{}
	}
	b, err := json.Marshal(changed)
	if err != nil {
		return fmt.Errorf("sqlstore: audit: %w", err)
	}
	_, err = q.ExecContext(ctx, s.q("INSERT INTO ssokit_audit (tenant, at, actor, action, target, changed) VALUES (?, ?, ?, ?, ?, ?)"),
		tenant, s.now().UnixNano(), actor, action, target, string(b))
	if err != nil {
		return fmt.Errorf("sqlstore: audit: %w", err)
	}
	return nil
}

// RecordAudit appends an event the host makes itself (a setup link sent,
// a test login run). Seq and At are set by the store; Actor defaults to
// the context's.
func (s *Store) RecordAudit(ctx context.Context, e AuditEvent) error {
	if e.Actor != "" {
		ctx = ContextWithActor(ctx, e.Actor)
	}
	return s.audit(ctx, s.db, e.Tenant, e.Action, e.Target, e.Changed)
}

// AuditLog returns a tenant's latest events, newest first, at most limit
// (0 or less means 100).
func (s *Store) AuditLog(ctx context.Context, tenant string, limit int) ([]AuditEvent, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.db.QueryContext(ctx, s.q("SELECT seq, at, actor, action, target, changed FROM ssokit_audit WHERE tenant = ? ORDER BY seq DESC LIMIT ?"), tenant, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEvent
	for rows.Next() {
		e := AuditEvent{Tenant: tenant}
		var at int64
		var changed string
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Target, &changed); err != nil {
			return nil, fmt.Errorf("sqlstore: audit log: %w", err)
		}
		e.At = fromNanos(at)
		if err := json.Unmarshal([]byte(changed), &e.Changed); err != nil {
			return nil, fmt.Errorf("sqlstore: audit log: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// changedFields lists the JSON field names (one level into parameters
// and mapping) whose values differ between two connections, sorted.
func changedFields(old, new sso.Connection) []string {
	a, b := flatten(old), flatten(new)
	var out []string
	for k, v := range b {
		if w, ok := a[k]; !ok || !reflect.DeepEqual(v, w) {
			out = append(out, k)
		}
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// flatten maps a connection's JSON to "field" and "parameters.field".
func flatten(c sso.Connection) map[string]any {
	c.Version = 0
	raw, _ := json.Marshal(c)
	var top map[string]any
	json.Unmarshal(raw, &top)
	out := map[string]any{}
	for k, v := range top {
		if inner, ok := v.(map[string]any); ok && (k == "parameters" || k == "mapping") {
			for ik, iv := range inner {
				out[k+"."+ik] = iv
			}
			continue
		}
		out[k] = v
	}
	return out
}
