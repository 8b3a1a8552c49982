package domains

import (
	"fmt"
	"time"
)

// State is where a domain is in its life cycle.
type State string

// The states of a domain. Only [Verified] carries trust.
const (
	// Pending: claimed, waiting for the DNS proof (or an operator).
	Pending State = "pending"
	// Verified: proven by DNS or by an operator; trusted.
	Verified State = "verified"
	// Failed: not proven within the pending period, or transferred away.
	// Claiming it again starts over with a new token.
	Failed State = "failed"
)

// Strategy says how a domain was (or is to be) verified.
type Strategy string

// The verification strategies.
const (
	// StrategyDNS: a TXT record holding the token.
	StrategyDNS Strategy = "dns"
	// StrategyManual: an operator vouched, with a reason (audited).
	StrategyManual Strategy = "manual"
)

// Domain is one tenant's record for one domain name. Values are copies;
// change a record through the [Service] (or a [DomainStore]'s Update).
type Domain struct {
	Tenant string
	// Name is canonical: see [Normalize].
	Name  string
	State State
	// Token is the value to publish in the TXT record: 160 bits from the
	// service's Rand, base32 without padding, lower case.
	Token    string
	Strategy Strategy
	// Operator and Reason are set when an operator verified or
	// transferred the domain (StrategyManual).
	Operator string
	Reason   string
	// IncludeSubdomains extends the trust to every name under Name. Off by
	// default.
	IncludeSubdomains bool

	CreatedAt time.Time
	// PendingSince is when the domain last became pending (claim or a
	// lost re-check); the pending period is counted from here.
	PendingSince  time.Time
	VerifiedAt    time.Time
	LastCheckedAt time.Time
	// LastResult is the last check's outcome in words, for the setup page.
	LastResult string
	// Misses counts consecutive re-checks of a verified domain that found
	// no matching record; FirstMissAt is when the first of them happened.
	Misses      int
	FirstMissAt time.Time

	// Version is the store's optimistic-concurrency counter: Update
	// succeeds only if it equals the stored version.
	Version int64
}

// Result is the outcome of one DNS proof lookup.
type Result int

// The results of a lookup.
const (
	// ResultMatch: a TXT record held the token.
	ResultMatch Result = iota + 1
	// ResultNoRecord: NXDOMAIN or no TXT data at the record name.
	ResultNoRecord
	// ResultWrongToken: TXT records exist but none holds the token.
	ResultWrongToken
	// ResultTemporary: timeout, SERVFAIL or another failure that may pass.
	ResultTemporary
)

// Words describes the result for an admin, naming the record looked up.
func (r Result) Words(recordName string) string {
	switch r {
	case ResultMatch:
		return fmt.Sprintf("TXT record at %s holds the token", recordName)
	case ResultNoRecord:
		return fmt.Sprintf("no TXT record at %s (NXDOMAIN or no TXT data)", recordName)
	case ResultWrongToken:
		return fmt.Sprintf("TXT records at %s do not hold the expected token", recordName)
	case ResultTemporary:
		return fmt.Sprintf("could not look up %s (timeout or server failure); try again", recordName)
	}
	return "not checked"
}
