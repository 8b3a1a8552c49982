package mapping

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// StepKind says which rule a [Step] records.
type StepKind uint8

// The kinds of explanation steps, in the order a decision is made.
const (
	_ StepKind = iota
	// StepEmail: the email came from claim Claim (Output).
	StepEmail
	// StepName: the name came from claim Claim (Output).
	StepName
	// StepNameFallback: no name claim, so the name was built from the
	// given and family name claims (Output).
	StepNameFallback
	// StepNameMissing: no name claim at all; the name is left empty
	// because Rules.NameOptional is set.
	StepNameMissing
	// StepTimezone: the timezone Output came from claim Claim.
	StepTimezone
	// StepTimezoneInvalid: the value Input is not an IANA timezone and
	// was ignored.
	StepTimezoneInvalid
	// StepNoTimezone: the timezone claim is absent; none is set.
	StepNoTimezone
	// StepNoSpaces: neither the space nor the role claim is present.
	StepNoSpaces
	// StepSpaceRole: space Space gets role Output, given at position Pos.
	StepSpaceRole
	// StepSpaceRoleReused: space Space gets Output, the only role given,
	// which is reused for every space.
	StepSpaceRoleReused
	// StepRoleUnknown: space Space has no valid role; the first one given,
	// Input, is unknown, so the default role Output applies.
	StepRoleUnknown
	// StepRoleMissing: space Space at position Pos has no role (more
	// spaces than roles, or a blank one), so the default role Output
	// applies.
	StepRoleMissing
	// StepRoleIgnored: space Space at position Pos is not the one whose role
	// counts; its role Input is ignored and the space keeps Output, the first valid
	// role (or the default role when none is valid).
	StepRoleIgnored
	// StepSpaceUnknown: the space Input at position Pos is unknown; it is
	// ignored, and so is the role paired with it.
	StepSpaceUnknown
	// StepSpaceEmpty: position Pos of the space list is empty; ignored.
	StepSpaceEmpty
	// StepRoleExtra: the role Input at position Pos has no space (more
	// roles than spaces); ignored.
	StepRoleExtra
	// StepNoGroups: the groups claim is absent.
	StepNoGroups
	// StepGroupsDistributed: the groups claim is absent but named in
	// "_claim_names": the identity provider left it out (Entra ID's groups
	// overage) and it must be fetched elsewhere.
	StepGroupsDistributed
	// StepGroupHost: the IdP group Input maps to host group Output.
	StepGroupHost
	// StepGroupPermissions: the IdP group Input grants the permissions
	// listed in Output.
	StepGroupPermissions
	// StepGroupUnmatched: the IdP group Input matches no host group and no
	// permission rule; ignored.
	StepGroupUnmatched
)

// Step is one explained decision. Which fields are set depends on Kind;
// String renders it in plain words for an administrator. Input is always
// the value exactly as the identity provider sent it; Space and Output are
// in the host's spelling.
type Step struct {
	Kind   StepKind
	Claim  string // claim path, for steps about a whole claim
	Input  string // the value as sent by the identity provider
	Space  string // the host's space name, for space steps
	Output string // what was decided
	Pos    int    // 1-based position in a comma-separated list, or 0
}

// String renders the step, for example
//
//	space 'DevOps': role 'Space Developer' from position 2
//	space 'Trial': role 'Admin ' unknown: Space Member
//	space 'Trial2' unknown: ignored
//
// Values from the identity provider are quoted with control characters
// escaped and long values shortened.
func (s Step) String() string {
	pos := strconv.Itoa(s.Pos)
	switch s.Kind {
	case StepEmail:
		return "email " + q(s.Output) + " from claim " + q(s.Claim)
	case StepName:
		return "name " + q(s.Output) + " from claim " + q(s.Claim)
	case StepNameFallback:
		return "name " + q(s.Output) + " from claims " + s.Claim
	case StepNameMissing:
		return "no name claim " + q(s.Claim) + ": name left empty"
	case StepTimezone:
		return "timezone " + q(s.Output) + " from claim " + q(s.Claim)
	case StepTimezoneInvalid:
		return "timezone " + q(s.Input) + " from claim " + q(s.Claim) + " is not an IANA name: ignored"
	case StepNoTimezone:
		return "no timezone claim " + q(s.Claim) + ": timezone not set"
	case StepNoSpaces:
		return "no space claims " + s.Claim + ": no spaces"
	case StepSpaceRole:
		return "space " + q(s.Space) + ": role " + q(s.Output) + " from position " + pos
	case StepSpaceRoleReused:
		return "space " + q(s.Space) + ": role " + q(s.Output) + ", the only role given, reused"
	case StepRoleUnknown:
		return "space " + q(s.Space) + ": role " + q(s.Input) + " unknown: " + s.Output
	case StepRoleMissing:
		return "space " + q(s.Space) + ": no role at position " + pos + ": " + s.Output
	case StepRoleIgnored:
		if strings.TrimSpace(s.Input) == "" {
			return "space " + q(s.Space) + " at position " + pos + " without a role: ignored, keeps " + q(s.Output)
		}
		return "space " + q(s.Space) + " at position " + pos + ": role " + q(s.Input) + " ignored, keeps " + q(s.Output)
	case StepSpaceUnknown:
		return "space " + q(s.Input) + " unknown: ignored"
	case StepSpaceEmpty:
		return "space at position " + pos + " is empty: ignored"
	case StepRoleExtra:
		return "role " + q(s.Input) + " at position " + pos + " has no space: ignored"
	case StepNoGroups:
		return "no groups claim " + q(s.Claim) + ": no groups"
	case StepGroupsDistributed:
		return "groups claim " + q(s.Claim) + " left out of the token and named in '_claim_names' (too many groups): not read"
	case StepGroupHost:
		return "group " + q(s.Input) + ": host group " + q(s.Output)
	case StepGroupPermissions:
		return "group " + q(s.Input) + ": permissions " + s.Output
	case StepGroupUnmatched:
		return "group " + q(s.Input) + " not mapped: ignored"
	}
	return "step " + strconv.Itoa(int(s.Kind))
}

// q quotes a value for an explanation: single quotes, blanks kept so an
// admin sees them, control and invalid characters escaped, at most 100
// characters.
func q(s string) string {
	const max = 100
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	n := 0
	for i, r := range s {
		if n == max {
			b.WriteString("...")
			break
		}
		n++
		switch {
		case r == utf8.RuneError && isBadRune(s[i:]):
			b.WriteString(`\x` + strconv.FormatUint(uint64(s[i]), 16))
		case r == '\'' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case unicode.IsPrint(r) || r == ' ':
			b.WriteRune(r)
		default:
			b.WriteString(strings.Trim(strconv.QuoteRune(r), "'"))
		}
	}
	b.WriteByte('\'')
	return b.String()
}

func isBadRune(s string) bool {
	_, size := utf8.DecodeRuneInString(s)
	return size <= 1
}

// quoteList renders names as 'a', 'b' for a precomputed step Output.
func quoteList(names []string) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = q(n)
	}
	return strings.Join(parts, ", ")
}
