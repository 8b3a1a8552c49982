package domains

import (
	"context"
	"encoding/base32"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// tokenBytes is the token's entropy: 160 bits.
const tokenBytes = 20

var tokenEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// Service manages tenant domains: claims, DNS proofs, operator overrides,
// re-checks, expiry, and the trust queries. It is safe for concurrent use.
type Service struct {
	cfg      Config
	consumer map[string]bool
}

// New validates cfg, fills defaults and returns a Service.
func New(cfg Config) (*Service, error) {
	c, consumer, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Service{cfg: c, consumer: consumer}, nil
}

// Normalize is [Normalize] with the service's consumer domain list.
func (s *Service) Normalize(name string) (string, error) {
	return normalize(name, s.consumer)
}

// RecordName returns the TXT record name to publish for a canonical name,
// e.g. _ssokit-verification.example.com.
func (s *Service) RecordName(name string) string {
	return s.cfg.RecordLabel + "." + name
}

// Claim records tenant's claim to a domain and returns the record with its
// token. Claiming again returns the existing record; a failed record starts
// over as pending with a new token. A domain another tenant holds verified
// is refused with a [*ConflictError] (an operator may [Service.Transfer]
// it).
func (s *Service) Claim(ctx context.Context, tenant, domain string) (Domain, error) {
	name, err := s.prepare(tenant, domain)
	if err != nil {
		return Domain{}, err
	}
	if err := s.checkHolder(ctx, tenant, name); err != nil {
		return Domain{}, err
	}
	d, err := s.cfg.Store.Get(ctx, tenant, name)
	if errors.Is(err, ErrNotFound) {
		return s.create(ctx, tenant, name)
	}
	if err != nil || d.State != Failed {
		return d, err
	}
	return s.restart(ctx, d)
}

func (s *Service) create(ctx context.Context, tenant, name string) (Domain, error) {
	token, err := s.newToken()
	if err != nil {
		return Domain{}, err
	}
	now := s.cfg.Now()
	d, err := s.cfg.Store.Create(ctx, Domain{
		Tenant: tenant, Name: name, State: Pending, Token: token,
		Strategy: StrategyDNS, CreatedAt: now, PendingSince: now,
		LastResult: "not checked yet",
	})
	if err != nil {
		return Domain{}, s.noteConflict(err)
	}
	s.emit(Event{Kind: EventClaimed, Tenant: tenant, Domain: name, At: now})
	return d, nil
}

// restart turns a failed record back into a fresh pending claim.
func (s *Service) restart(ctx context.Context, d Domain) (Domain, error) {
	token, err := s.newToken()
	if err != nil {
		return Domain{}, err
	}
	now := s.cfg.Now()
	d.State, d.Token, d.Strategy = Pending, token, StrategyDNS
	d.Operator, d.Reason = "", ""
	d.PendingSince, d.LastResult = now, "claimed again, not checked yet"
	d.Misses, d.FirstMissAt = 0, time.Time{}
	d, err = s.cfg.Store.Update(ctx, d)
	if err != nil {
		return Domain{}, s.noteConflict(err)
	}
	s.emit(Event{Kind: EventClaimed, Tenant: d.Tenant, Domain: d.Name, At: now})
	return d, nil
}

// Get returns tenant's record of domain.
func (s *Service) Get(ctx context.Context, tenant, domain string) (Domain, error) {
	name, err := s.prepare(tenant, domain)
	if err != nil {
		return Domain{}, err
	}
	return s.cfg.Store.Get(ctx, tenant, name)
}

// List returns tenant's records, sorted by name.
func (s *Service) List(ctx context.Context, tenant string) ([]Domain, error) {
	return s.cfg.Store.List(ctx, tenant)
}

// SetIncludeSubdomains sets whether the trust in domain extends to the
// names under it, and emits [EventSubdomainsChanged] when it changes.
func (s *Service) SetIncludeSubdomains(ctx context.Context, tenant, domain string, include bool) (Domain, error) {
	d, err := s.Get(ctx, tenant, domain)
	if err != nil {
		return Domain{}, err
	}
	if d.IncludeSubdomains == include {
		return d, nil
	}
	d.IncludeSubdomains = include
	d, err = s.cfg.Store.Update(ctx, d)
	if err != nil {
		return Domain{}, err
	}
	detail := "subdomains excluded"
	if include {
		detail = "subdomains included"
	}
	s.emit(Event{Kind: EventSubdomainsChanged, Tenant: d.Tenant, Domain: d.Name, Detail: detail})
	return d, nil
}

// prepare checks the tenant and normalises the domain.
func (s *Service) prepare(tenant, domain string) (string, error) {
	if tenant == "" {
		return "", ErrNoTenant
	}
	return s.Normalize(domain)
}

// checkHolder refuses name if another tenant holds it verified.
func (s *Service) checkHolder(ctx context.Context, tenant, name string) error {
	holder, err := s.holder(ctx, name)
	if err != nil {
		return err
	}
	if holder.Tenant != "" && holder.Tenant != tenant {
		return s.noteConflict(&ConflictError{Name: name, Tenant: tenant, Holder: holder.Tenant})
	}
	return nil
}

// holder returns the verified record of name, or a zero Domain.
func (s *Service) holder(ctx context.Context, name string) (Domain, error) {
	all, err := s.cfg.Store.ListByName(ctx, name)
	if err != nil {
		return Domain{}, err
	}
	for _, d := range all {
		if d.State == Verified {
			return d, nil
		}
	}
	return Domain{}, nil
}

// noteConflict emits a conflict event if err is a [*ConflictError].
func (s *Service) noteConflict(err error) error {
	var ce *ConflictError
	if errors.As(err, &ce) {
		s.emit(Event{Kind: EventConflict, Tenant: ce.Tenant, Domain: ce.Name,
			FromTenant: ce.Holder, Detail: "domain is verified by another tenant"})
	}
	return err
}

func (s *Service) newToken() (string, error) {
	b := make([]byte, tokenBytes)
	if _, err := io.ReadFull(s.cfg.Rand, b); err != nil {
		return "", fmt.Errorf("domains: reading random token: %w", err)
	}
	return strings.ToLower(tokenEncoding.EncodeToString(b)), nil
}
