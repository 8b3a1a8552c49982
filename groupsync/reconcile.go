package groupsync

import (
	"strings"
	"time"
)

// HostUser is a host account as seen by directory reconciliation.
type HostUser struct {
	ID string
	// ExternalID is the directory id the account is linked to; empty when
	// the account is not linked.
	ExternalID string
	Email      string
	Active     bool
	LastLogin  LoginOutcome
}

// LoginOutcome is the result of a user's last SSO login; the zero value
// means the user never logged in.
type LoginOutcome struct {
	At     time.Time
	OK     bool
	Detail string // e.g. the error code of a failed login
}

// Status is a reconciliation view.
type Status uint8

const (
	// StatusNew: in the directory, not linked to an active host account.
	StatusNew Status = iota + 1
	// StatusExisting: linked to an active host account and present in the
	// directory.
	StatusExisting
	// StatusDeleted: linked to an active host account but deleted, missing
	// or deactivated in the directory.
	StatusDeleted
)

// String returns the lower-case name used in configuration and logs.
func (s Status) String() string {
	return [...]string{"unknown", "new", "existing", "deleted"}[min(int(s), 3)]
}

// Action is what an administrator can do with a row.
type Action uint8

const (
	// ActionLink links the directory user to the row's Host account, an
	// unlinked active account with the same email.
	ActionLink Action = iota + 1
	// ActionCreate creates a host account for the directory user and links it.
	ActionCreate
	// ActionUnlink removes the link (Existing and Deleted rows).
	ActionUnlink
)

// String returns the lower-case name used in configuration and logs.
func (a Action) String() string {
	return [...]string{"unknown", "link", "create", "unlink"}[min(int(a), 3)]
}

// Row is one line of a reconciliation view. Directory and Host point into
// the slices given to Reconcile; either may be nil.
type Row struct {
	Status    Status
	Action    Action // the suggested action
	Directory *DirectoryUser
	Host      *HostUser
}

// LastLogin returns the outcome of the host account's last login; the zero
// value when there is no host account or no login yet.
func (r Row) LastLogin() LoginOutcome {
	if r.Host == nil {
		return LoginOutcome{}
	}
	return r.Host.LastLogin
}

// Reconciliation is the three views of a directory against the host.
type Reconciliation struct {
	New, Existing, Deleted []Row
	// Duplicates lists active host accounts linked to a directory id that
	// an earlier account in the host slice is already linked to; each
	// needs an unlink.
	Duplicates []Row
}

// Reconcile classifies directory users against host accounts in linear
// time. Links are matched on the directory id (trimmed); New users are
// offered a link to an unlinked active host account whose email matches
// (case-insensitive) when exactly one does, otherwise a create. Directory
// users that are inactive and not linked are left out; duplicate directory
// ids count once. Reconcile is pure and safe for concurrent use.
func Reconcile(directory []DirectoryUser, host []HostUser) Reconciliation {
	ix := newHostIndex(host)
	r := Reconciliation{Duplicates: ix.dups}
	newIDs := make(map[string]struct{})
	var buf []byte
	for i := range directory {
		d := &directory[i]
		id := strings.TrimSpace(d.ID)
		if id == "" {
			continue
		}
		if hi, ok := ix.linked[id]; ok {
			if !ix.matched[hi] {
				ix.matched[hi] = true
				r.addLinked(d, &host[hi])
			}
			continue
		}
		if _, dup := newIDs[id]; d.Active && !dup {
			newIDs[id] = struct{}{}
			var row Row
			row, buf = ix.newRow(d, host, buf)
			r.New = append(r.New, row)
		}
	}
	for i := range host {
		if h := &host[i]; ix.linkedAt(i) && !ix.matched[i] {
			r.Deleted = append(r.Deleted, Row{Status: StatusDeleted, Host: h, Action: ActionUnlink})
		}
	}
	return r
}

// hostIndex maps linked directory ids and unlinked emails to active host
// accounts.
type hostIndex struct {
	linked  map[string]int // directory id -> host index
	byEmail map[string]int // email -> host index, -1 when ambiguous
	matched []bool         // host index seen in the directory, or a duplicate link
	isLink  []bool         // host index is an active linked account
	dups    []Row
}

func (ix *hostIndex) linkedAt(i int) bool { return ix.isLink[i] }

func newHostIndex(host []HostUser) *hostIndex {
	ix := &hostIndex{linked: make(map[string]int, len(host)), byEmail: make(map[string]int, len(host)/2),
		matched: make([]bool, len(host)), isLink: make([]bool, len(host))}
	for i := range host {
		h := &host[i]
		if !h.Active {
			continue
		}
		if id := strings.TrimSpace(h.ExternalID); id != "" {
			ix.isLink[i] = true
			if _, dup := ix.linked[id]; dup {
				ix.dups = append(ix.dups, Row{Status: StatusExisting, Host: h, Action: ActionUnlink})
				ix.matched[i] = true
			} else {
				ix.linked[id] = i
			}
			continue
		}
		if e := normEmail(h.Email); e != "" {
			if _, dup := ix.byEmail[e]; dup {
				ix.byEmail[e] = -1
			} else {
				ix.byEmail[e] = i
			}
		}
	}
	return ix
}

func (r *Reconciliation) addLinked(d *DirectoryUser, h *HostUser) {
	row := Row{Directory: d, Host: h, Action: ActionUnlink}
	if d.Active {
		row.Status = StatusExisting
		r.Existing = append(r.Existing, row)
		return
	}
	row.Status = StatusDeleted
	r.Deleted = append(r.Deleted, row)
}

func (ix *hostIndex) newRow(d *DirectoryUser, host []HostUser, buf []byte) (Row, []byte) {
	row := Row{Status: StatusNew, Directory: d, Action: ActionCreate}
	buf = appendLowerEmail(buf[:0], d.Email)
	if hi, ok := ix.byEmail[string(buf)]; ok && hi >= 0 && len(buf) > 0 {
		row.Host, row.Action = &host[hi], ActionLink
	}
	return row, buf
}

// appendLowerEmail appends normEmail(s) to buf without allocating for
// ASCII input.
func appendLowerEmail(buf []byte, s string) []byte {
	s = strings.TrimSpace(s)
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return append(buf, strings.ToLower(s)...)
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	return buf
}

// normEmail lower-cases and trims an email; ASCII fast path.
func normEmail(s string) string {
	s = strings.TrimSpace(s)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 0x80 {
			return strings.ToLower(s)
		}
	}
	return s
}
