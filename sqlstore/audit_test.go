package sqlstore_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/sqlstore"
)

func TestEveryChangeIsAudited(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := sqlstore.ContextWithActor(context.Background(), "admin@acme.example")
		if _, err := s.Put(ctx, "acme", oidcConn()); err != nil {
			t.Fatal(err)
		}
		c, _ := s.Connection(ctx, "acme", "okta")
		c.Parameters.ClientSecret = "a-new-secret-value"
		c.Mode = "required"
		if _, err := s.Put(ctx, "acme", *c); err != nil {
			t.Fatal(err)
		}
		s.SetTenant(ctx, "acme", sqlstore.TenantSettings{AllowBreakGlass: true})
		_, tok, _ := s.CreateSCIMToken(ctx, "acme", "okta")
		s.RevokeSCIMToken(ctx, "acme", tok.ID)
		s.DeleteConnection(ctx, "acme", "okta", 2)
		s.Put(context.Background(), "globex", oidcConn()) // no actor, other tenant

		log, err := s.AuditLog(ctx, "acme", 0)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range log {
			actions = append(actions, e.Action+" "+e.Target)
			if e.Actor != "admin@acme.example" || e.Tenant != "acme" || e.At.IsZero() {
				t.Errorf("event %+v lacks actor, tenant or time", e)
			}
		}
		want := []string{"connection.delete okta", "scim_token.revoke " + tok.ID, "scim_token.create " + tok.ID,
			"tenant.update ", "connection.update okta", "connection.create okta"}
		if !slices.Equal(actions, want) {
			t.Fatalf("acme log, newest first:\n%q\nwant\n%q", actions, want)
		}
		if upd := log[4].Changed; !slices.Equal(upd, []string{"mode", "parameters.clientSecret"}) {
			t.Fatalf("update changed %q, want mode and parameters.clientSecret", upd)
		}
		if !slices.Equal(log[3].Changed, []string{"allowBreakGlass"}) {
			t.Fatalf("tenant update changed %q", log[3].Changed)
		}
		var raw strings.Builder
		rows, _ := s.DB().Query("SELECT actor, action, target, changed FROM ssokit_audit")
		for rows.Next() {
			var a, b, c, d string
			rows.Scan(&a, &b, &c, &d)
			raw.WriteString(a + b + c + d)
		}
		rows.Close()
		if strings.Contains(raw.String(), "a-new-secret-value") || strings.Contains(raw.String(), clientSecret) {
			t.Fatalf("audit log holds a secret")
		}
		other, _ := s.AuditLog(ctx, "globex", 0)
		if len(other) != 1 || other[0].Actor != "" || other[0].Action != sqlstore.ActionConnectionCreate {
			t.Fatalf("globex log = %+v", other)
		}
		if err := s.RecordAudit(ctx, sqlstore.AuditEvent{Tenant: "acme", Action: "setup_link.create", Actor: "vendor"}); err != nil {
			t.Fatal(err)
		}
		if l, _ := s.AuditLog(ctx, "acme", 1); len(l) != 1 || l[0].Action != "setup_link.create" || l[0].Actor != "vendor" {
			t.Fatalf("RecordAudit = %+v", l)
		}
	})
}
