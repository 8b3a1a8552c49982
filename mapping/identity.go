package mapping

import (
	"errors"
	"strings"
)

// maxZoneLen bounds a timezone name before it reaches LoadLocation; the
// longest IANA name is about 30 bytes.
const maxZoneLen = 64

// mapEmail reads, normalises, validates and pattern-checks the email.
func (m *Mapper) mapEmail(c *Claims, d *Decision) error {
	raw, err := c.one(m.email)
	if err != nil {
		return err
	}
	e, err := NormalizeEmail(raw)
	if err != nil {
		var ee *EmailError
		if errors.As(err, &ee) {
			ee.Claim = m.email.text
		}
		return err
	}
	if m.pattern != nil && !m.pattern.MatchString(e) {
		return &PatternError{Email: e, Pattern: m.pattern.String()}
	}
	d.Email = e
	d.Steps = append(d.Steps, Step{Kind: StepEmail, Claim: m.email.text, Output: e})
	return nil
}

// mapName reads the name, falling back to given and family names.
func (m *Mapper) mapName(c *Claims, d *Decision) error {
	name, err := m.optional(c, m.name)
	if err != nil {
		return err
	}
	if name = strings.TrimSpace(name); name != "" {
		d.Name = name
		d.Steps = append(d.Steps, Step{Kind: StepName, Claim: m.name.text, Output: name})
		return nil
	}
	given, err := m.optional(c, m.given)
	if err != nil {
		return err
	}
	family, err := m.optional(c, m.family)
	if err != nil {
		return err
	}
	given, family = strings.TrimSpace(given), strings.TrimSpace(family)
	switch {
	case given != "" && family != "":
		name = given + " " + family
	case given != "":
		name = given
	default:
		name = family
	}
	if name != "" {
		d.Name = name
		d.Steps = append(d.Steps, Step{Kind: StepNameFallback, Claim: q(m.given.text) + " and " + q(m.family.text), Output: name})
		return nil
	}
	if !m.nameOptional {
		return &ClaimError{Path: m.name.text, Err: ErrMissingClaim}
	}
	d.Steps = append(d.Steps, Step{Kind: StepNameMissing, Claim: m.name.text})
	return nil
}

// optional reads a single-valued claim that may be absent.
func (m *Mapper) optional(c *Claims, p Path) (string, error) {
	s, err := c.one(p)
	if errors.Is(err, ErrMissingClaim) {
		return "", nil
	}
	return s, err
}

// mapTimezone sets the timezone when the claim holds a valid IANA name.
// Nothing about the timezone is fatal: problems become steps.
func (m *Mapper) mapTimezone(c *Claims, d *Decision) {
	raw, err := c.one(m.timezone)
	if errors.Is(err, ErrMissingClaim) {
		d.Steps = append(d.Steps, Step{Kind: StepNoTimezone, Claim: m.timezone.text})
		return
	}
	tz := strings.TrimSpace(raw)
	if err != nil || !m.validZone(tz) {
		d.Steps = append(d.Steps, Step{Kind: StepTimezoneInvalid, Claim: m.timezone.text, Input: raw})
		return
	}
	d.Timezone = tz
	d.Steps = append(d.Steps, Step{Kind: StepTimezone, Claim: m.timezone.text, Output: tz})
}

// validZone reports whether name is an IANA timezone name. "Local" and
// the empty name, which LoadLocation accepts, are refused: they say
// nothing about the user.
func (m *Mapper) validZone(name string) bool {
	if name == "" || name == "Local" || len(name) > maxZoneLen {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("/_+-", c) >= 0) {
			return false
		}
	}
	if m.zones.has(name) {
		return true
	}
	if _, err := m.loadLocation(name); err != nil {
		return false
	}
	m.zones.add(name)
	return true
}
