package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/ssokit/ssokit/domains"
	"github.com/ssokit/ssokit/sqlstore"
)

// verifyTimeout bounds one "Verify now" lookup, so the page answers
// quickly even when DNS is unreachable.
const verifyTimeout = 3 * time.Second

// claimPendingDomains claims each tenant's pending domain. It never looks
// anything up: the demo starts offline.
func (a *app) claimPendingDomains() error {
	ctx := context.Background()
	for _, t := range tenantNames {
		if _, err := a.domains.Claim(ctx, t, pendingDomains[t]); err != nil {
			return err
		}
	}
	return nil
}

type domainsData struct {
	Tenant  string
	Domains []domainRow
	// Checked and Result report the last "Verify now": which domain, and
	// what the lookup found, in words.
	Checked, Result string
	Error           string
}

// domainRow is one domain as the page shows it.
type domainRow struct {
	Name, State, Strategy   string
	Pending                 bool
	RecordName, Token, Last string
}

func (a *app) domainRows(d []domains.Domain) []domainRow {
	rows := make([]domainRow, 0, len(d))
	for _, d := range d {
		r := domainRow{Name: d.Name, Pending: d.State == domains.Pending, Last: d.LastResult}
		switch d.State {
		case domains.Verified:
			r.State = "verified: emails here are trusted for this tenant"
		case domains.Pending:
			r.State = "pending: waiting for the DNS record, not trusted yet"
			r.RecordName, r.Token = a.domains.RecordName(d.Name), d.Token
		default:
			r.State = "failed: not proven in time; claim it again"
		}
		r.Strategy = "DNS TXT record"
		if d.Strategy == domains.StrategyManual {
			r.Strategy = "vouched for by the operator (" + d.Reason + ")"
		}
		rows = append(rows, r)
	}
	return rows
}

// domainsPage lists the tenant's domains: the verified ones, and for a
// pending one the TXT record to publish. In a real application only the
// tenant's administrators would see it; the demo keeps it open, like its
// login pages.
func (a *app) domainsPage(w http.ResponseWriter, r *http.Request) {
	a.renderDomains(w, r, http.StatusOK, domainsData{})
}

func (a *app) renderDomains(w http.ResponseWriter, r *http.Request, status int, d domainsData) {
	tenant, ok := knownTenant(r)
	if !ok {
		http.NotFound(w, r)
		return
	}
	d.Tenant = tenant
	list, err := a.domains.List(r.Context(), tenant)
	if err != nil {
		http.Error(w, "could not list the domains", http.StatusInternalServerError)
		return
	}
	d.Domains = a.domainRows(list)
	a.pages.render(w, status, "domains.html", d)
}

// verifyDomain is "Verify now": it looks up the TXT record of one of the
// tenant's domains and shows what it found.
func (a *app) verifyDomain(w http.ResponseWriter, r *http.Request) {
	tenant, ok := knownTenant(r)
	if !ok {
		http.NotFound(w, r)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), verifyTimeout)
	defer cancel()
	name := r.PostFormValue("domain")
	d, err := a.domains.Verify(ctx, tenant, name)
	data := domainsData{Checked: name}
	var proof *domains.ProofError
	var temp *domains.TemporaryError
	switch {
	case err == nil && d.State == domains.Verified:
		data.Result = d.Name + " is verified: " + d.LastResult
	case errors.As(err, &proof):
		data.Result = "still pending: " + proof.Result.Words(proof.RecordName)
	case errors.As(err, &temp):
		data.Result = "nothing changed: " + domains.ResultTemporary.Words(temp.RecordName)
	case errors.Is(err, domains.ErrNotFound), errors.Is(err, domains.ErrInvalidName):
		a.renderDomains(w, r, http.StatusNotFound, domainsData{Error: "this tenant has not claimed " + name})
		return
	case err != nil:
		a.renderDomains(w, r, http.StatusConflict, domainsData{Error: err.Error()})
		return
	default:
		data.Result = d.Name + ": " + d.LastResult
	}
	a.renderDomains(w, r, http.StatusOK, data)
}

// startDomainChecks runs the domain service's background work: pending
// claims fail after 30 days, verified domains are looked up again daily.
// Nothing is due when the demo starts, so it makes no lookup offline.
func (a *app) startDomainChecks(log *slog.Logger) {
	ctx, cancel := context.WithCancel(context.Background())
	a.stopChecks, a.checksDone = cancel, make(chan struct{})
	go func() {
		defer close(a.checksDone)
		_ = a.domains.Run(ctx, time.Hour, func(err error) {
			log.LogAttrs(ctx, slog.LevelError, "domain checks failed", slog.Any("error", err))
		})
	}()
}

// auditDomainEvent keeps in the store's audit log the domain changes no
// admin made: a claim that ran out of time, a record that disappeared, a
// transfer (in the logs of both the tenant that received the domain and
// the one that lost it). Claims and checks made on the setup pages are
// recorded there, with the admin's name.
func (a *app) auditDomainEvent(e domains.Event) {
	switch e.Kind {
	case domains.EventFailed, domains.EventRecheckLost, domains.EventTransferred:
	default:
		return
	}
	actor := e.Operator
	if actor == "" {
		actor = "domain checks"
	}
	tenants := []string{e.Tenant}
	if e.Kind == domains.EventTransferred && e.FromTenant != "" {
		tenants = append(tenants, e.FromTenant)
	}
	for _, t := range tenants {
		_ = a.store.RecordAudit(context.Background(), sqlstore.AuditEvent{Tenant: t, Actor: actor,
			Action: string(e.Kind), Target: e.Domain})
	}
}
