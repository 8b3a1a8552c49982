package domains

import "time"

// EventKind names an audited change.
type EventKind string

// The audited events.
const (
	// EventClaimed: a tenant claimed a domain (or claimed a failed one again).
	EventClaimed EventKind = "domain.claimed"
	// EventVerified: the DNS proof was found; the domain is trusted.
	EventVerified EventKind = "domain.verified"
	// EventFailed: a pending domain ran out of time.
	EventFailed EventKind = "domain.failed"
	// EventRecheckLost: a verified domain's record stayed missing past the
	// grace; it is pending again and no longer trusted.
	EventRecheckLost EventKind = "domain.recheck_lost"
	// EventConflict: a tenant tried to claim or verify a domain another
	// tenant holds verified.
	EventConflict EventKind = "domain.conflict"
	// EventManualOverride: an operator verified a domain without DNS.
	EventManualOverride EventKind = "domain.manual_override"
	// EventSubdomainsChanged: IncludeSubdomains was switched; Detail says
	// to which value.
	EventSubdomainsChanged EventKind = "domain.subdomains_changed"
	// EventTransferred: an operator moved a verified domain to another
	// tenant (FromTenant is the previous holder).
	EventTransferred EventKind = "domain.transferred"
)

// Event is one audit record, passed to Config.OnEvent.
type Event struct {
	Kind   EventKind
	Tenant string
	Domain string
	At     time.Time
	// Operator and Reason are set for operator actions.
	Operator string
	Reason   string
	// FromTenant is set for a transfer (the previous holder) and for a
	// conflict (the holder that blocked Tenant).
	FromTenant string
	// Detail says what happened in words.
	Detail string
}

func (s *Service) emit(e Event) {
	if s.cfg.OnEvent == nil {
		return
	}
	if e.At.IsZero() {
		e.At = s.cfg.Now()
	}
	s.cfg.OnEvent(e)
}
