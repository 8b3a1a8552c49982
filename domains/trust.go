package domains

import (
	"context"
	"errors"
	"strings"
)

// VerifiedFor reports whether the domain of emailOrDomain (the part after
// the last "@", or the whole string) is verified for tenant: a verified
// record of that exact name, or of a parent name whose IncludeSubdomains
// is set. Names that can never be owned (public suffixes, consumer mail
// domains) give false and a nil error. Malformed input gives false and a
// [*NameError]; a store failure gives false and that error. Only a true
// result may be used to link, create or route by email.
func (s *Service) VerifiedFor(ctx context.Context, tenant, emailOrDomain string) (bool, error) {
	_, ok, err := s.match(ctx, emailOrDomain, func(d Domain) bool { return d.Tenant == tenant })
	return ok, err
}

// TenantFor returns the tenant holding the domain of emailOrDomain
// verified, for home-realm discovery: an exact verified record first, then
// the nearest parent with IncludeSubdomains set. ok is false when no tenant
// does; error semantics are those of [Service.VerifiedFor].
func (s *Service) TenantFor(ctx context.Context, emailOrDomain string) (tenant string, ok bool, err error) {
	d, ok, err := s.match(ctx, emailOrDomain, func(Domain) bool { return true })
	return d.Tenant, ok, err
}

// match walks from the name up to (not including) its public suffix and
// returns the first verified record accepted by keep that covers the name.
func (s *Service) match(ctx context.Context, emailOrDomain string, keep func(Domain) bool) (Domain, bool, error) {
	name, err := s.Normalize(domainOf(emailOrDomain))
	if errors.Is(err, ErrPublicSuffix) || errors.Is(err, ErrConsumerDomain) {
		return Domain{}, false, nil
	}
	if err != nil {
		return Domain{}, false, err
	}
	for n := name; n != "" && s.ownable(n); n = parent(n) {
		d, ok, err := s.coveringRecord(ctx, n, n == name, keep)
		if err != nil || ok {
			return d, ok, err
		}
	}
	return Domain{}, false, nil
}

// coveringRecord returns the verified record of n accepted by keep, if it
// covers the queried name (exact, or IncludeSubdomains).
func (s *Service) coveringRecord(ctx context.Context, n string, exact bool, keep func(Domain) bool) (Domain, bool, error) {
	all, err := s.cfg.Store.ListByName(ctx, n)
	if err != nil {
		return Domain{}, false, err
	}
	for _, d := range all {
		if d.State == Verified && keep(d) && (exact || d.IncludeSubdomains) {
			return d, true, nil
		}
	}
	return Domain{}, false, nil
}

func (s *Service) ownable(n string) bool {
	return checkOwnable(n, s.consumer) == nil
}

// domainOf returns the part after the last "@", or s.
func domainOf(s string) string {
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		return s[i+1:]
	}
	return s
}
