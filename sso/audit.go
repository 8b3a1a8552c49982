package sso

import (
	"context"
	"log/slog"
)

// Audit events are written to Config.Logger:
//
//   - "valid login through <kind> connection detected" (Info) after a
//     session was started, with tenant, connection, issuer, subject, user,
//     created, linked, the group ids received and the groups granted;
//   - "sso login failed" (Warn) with tenant, connection, subject (when
//     known), code and reason (the cause, for operators).

func (h *Handler) auditSuccess(ctx context.Context, cc *compiled, res *Result) {
	h.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "valid login through "+string(cc.conn.Kind)+" connection detected",
		slog.String("tenant", res.Tenant),
		slog.String("connection", res.Connection),
		slog.String("issuer", res.Identity.Issuer),
		slog.String("subject", res.Identity.Subject),
		slog.String("user", res.User.ID),
		slog.Bool("created", res.Created),
		slog.Bool("linked", res.Linked),
		slog.Bool("email_trusted", res.EmailTrusted),
		slog.Any("groups_received", receivedGroups(cc, &res.Identity)),
		slog.Any("groups", res.Decision.Groups),
		slog.Int("sync_changes", res.Sync.Applied.Len()),
	)
}

func (h *Handler) auditFailure(ctx context.Context, tenant, conn string, id *Identity, e *Error) {
	attrs := []slog.Attr{
		slog.String("tenant", tenant),
		slog.String("connection", conn),
		slog.String("code", string(e.Code)),
	}
	if id != nil {
		attrs = append(attrs, slog.String("issuer", id.Issuer), slog.String("subject", id.Subject))
	}
	if e.Err != nil {
		attrs = append(attrs, slog.String("reason", e.Err.Error()))
	}
	h.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "sso login failed", attrs...)
}

// receivedGroups reads the raw group ids the IdP sent, for the log.
func receivedGroups(cc *compiled, id *Identity) []string {
	if cc.groupsPath == nil {
		return nil
	}
	g, _ := id.Claims.Strings(*cc.groupsPath)
	return g
}
