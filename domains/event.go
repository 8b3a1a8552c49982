package domains

import "time"

// EventKind names an audited change.
type EventKind string

// The audited events.
const (
	EventClaimed        EventKind = "domain.claimed"
	EventVerified       EventKind = "domain.verified"
	EventFailed         EventKind = "domain.failed"
	EventRecheckLost    EventKind = "domain.recheck_lost"
	EventConflict       EventKind = "domain.conflict"
	EventManualOverride EventKind = "domain.manual_override"
	EventTransferred    EventKind = "domain.transferred"
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
