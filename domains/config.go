package domains

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// Defaults applied by [New] to zero fields of [Config].
const (
	DefaultRecordLabel   = "_ssokit-verification"
	DefaultPendingExpiry = 30 * 24 * time.Hour
	DefaultRecheckEvery  = 24 * time.Hour
	DefaultRecheckMisses = 3
	DefaultRecheckGrace  = 72 * time.Hour
	DefaultLookupTimeout = 10 * time.Second
)

// Config configures a [Service]. The zero value is usable and secure.
type Config struct {
	// Store keeps the records. Nil means a new [MemoryStore].
	Store DomainStore
	// Resolver looks up the proof. Nil means [net.DefaultResolver].
	Resolver Resolver
	// RecordLabel is the label prepended to the domain to form the TXT
	// record name. Empty means [DefaultRecordLabel], giving
	// _ssokit-verification.example.com.
	RecordLabel string
	// ConsumerDomains are refused as tenant domains (with their
	// subdomains) in addition to [DefaultConsumerDomains].
	ConsumerDomains []string
	// InsecureAllowConsumerDomains removes names from the refused list,
	// e.g. for a mail provider whose own staff log in with its domain. A
	// name listed here can be claimed and, once verified, vouches for
	// every mailbox under it: it MUST NOT be a domain where strangers can
	// open mailboxes.
	InsecureAllowConsumerDomains []string
	// PendingExpiry: a pending domain older than this becomes failed in
	// [Service.Expire]. Zero means [DefaultPendingExpiry].
	PendingExpiry time.Duration
	// RecheckEvery: [Service.Recheck] looks at a verified domain again once
	// this long has passed since its last check. Zero means
	// [DefaultRecheckEvery].
	RecheckEvery time.Duration
	// RecheckMisses and RecheckGrace: a verified domain returns to pending
	// only after at least RecheckMisses consecutive misses spanning at
	// least RecheckGrace. Zero means [DefaultRecheckMisses] and
	// [DefaultRecheckGrace].
	RecheckMisses int
	RecheckGrace  time.Duration
	// LookupTimeout bounds each DNS lookup. Zero means
	// [DefaultLookupTimeout].
	LookupTimeout time.Duration
	// Lease coordinates [Service.Recheck] and [Service.Expire] between
	// instances that share one Store: each domain is taken under a
	// per-domain lease, so one instance per round does its DNS lookup.
	// Nil means no coordination, which is right for a single instance;
	// several instances without a Lease each look every due domain up
	// (the Store's compare-and-swap still keeps the records correct).
	Lease Leaser
	// LeaseTTL is how long a per-domain lease lasts if not released: it
	// must cover one lookup and the store write, and a crashed holder
	// blocks the domain that long. Zero means twice LookupTimeout; it may
	// not be shorter than LookupTimeout.
	LeaseTTL time.Duration
	// Now is the clock. Nil means [time.Now].
	Now func() time.Time
	// After waits between the rounds of [Service.Run]. Nil means
	// [time.After]; tests inject their own ticks.
	After func(time.Duration) <-chan time.Time
	// Rand is the source of tokens. Nil means [crypto/rand.Reader].
	Rand io.Reader
	// OnEvent receives audit events, synchronously, after the change is
	// stored. Nil drops them.
	OnEvent func(Event)
}

// withDefaults fills zero fields and validates the rest; every problem is
// reported at once.
func (c Config) withDefaults() (Config, map[string]bool, error) {
	if c.Store == nil {
		c.Store = NewMemoryStore()
	}
	if c.Resolver == nil {
		c.Resolver = net.DefaultResolver
	}
	if c.RecordLabel == "" {
		c.RecordLabel = DefaultRecordLabel
	}
	c.RecordLabel = strings.ToLower(c.RecordLabel)
	c.PendingExpiry = orDuration(c.PendingExpiry, DefaultPendingExpiry)
	c.RecheckEvery = orDuration(c.RecheckEvery, DefaultRecheckEvery)
	c.RecheckGrace = orDuration(c.RecheckGrace, DefaultRecheckGrace)
	c.LookupTimeout = orDuration(c.LookupTimeout, DefaultLookupTimeout)
	if c.LeaseTTL == 0 && c.LookupTimeout > 0 {
		c.LeaseTTL = 2 * c.LookupTimeout
	}
	if c.RecheckMisses == 0 {
		c.RecheckMisses = DefaultRecheckMisses
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Rand == nil {
		c.Rand = rand.Reader
	}
	if c.After == nil {
		c.After = time.After
	}
	consumer, errs := c.validate()
	return c, consumer, errors.Join(errs...)
}

func (c Config) validate() (map[string]bool, []error) {
	var errs []error
	if !validRecordLabel(c.RecordLabel) {
		errs = append(errs, fmt.Errorf("domains: RecordLabel %q is not a single DNS label", c.RecordLabel))
	}
	for name, d := range map[string]time.Duration{
		"PendingExpiry": c.PendingExpiry, "RecheckEvery": c.RecheckEvery,
		"RecheckGrace": c.RecheckGrace, "LookupTimeout": c.LookupTimeout,
		"LeaseTTL": c.LeaseTTL,
	} {
		if d < 0 {
			errs = append(errs, fmt.Errorf("domains: %s is negative", name))
		}
	}
	if c.LeaseTTL >= 0 && c.LeaseTTL < c.LookupTimeout {
		errs = append(errs, errors.New("domains: LeaseTTL is shorter than LookupTimeout"))
	}
	if c.RecheckMisses < 0 {
		errs = append(errs, errors.New("domains: RecheckMisses is negative"))
	}
	set := defaultConsumerSet()
	errs = append(errs, editSet(set, "ConsumerDomains", c.ConsumerDomains, true)...)
	errs = append(errs, editSet(set, "InsecureAllowConsumerDomains", c.InsecureAllowConsumerDomains, false)...)
	return set, errs
}

// editSet adds (or removes) the canonical form of each name to set.
func editSet(set map[string]bool, field string, names []string, add bool) []error {
	var errs []error
	for i, d := range names {
		canon, err := canonical(d)
		if err != nil {
			errs = append(errs, fmt.Errorf("domains: %s[%d]: %w", field, i, err))
			continue
		}
		if add {
			set[canon] = true
		} else {
			delete(set, canon)
		}
	}
	return errs
}

func orDuration(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// validRecordLabel accepts one label of letters, digits, hyphens and
// underscores (service labels such as _ssokit-verification).
func validRecordLabel(l string) bool {
	if l == "" || len(l) > 63 || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
