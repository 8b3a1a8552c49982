package mapping

import "strings"

// Decision is what the rules decided for one login. Names are in the
// host's spelling. Steps explain every part of it in order.
type Decision struct {
	// Email is the normalised, validated email.
	Email string
	// Name is the user's display name ("" only with Rules.NameOptional).
	Name string
	// Timezone is a valid IANA timezone name, or "" when none was sent
	// or the one sent was invalid (a step says which).
	Timezone string
	// Spaces lists each known space once, in the order first sent, with
	// the role it gets.
	Spaces []Assignment
	// SpacesSent reports whether the space claim was present at all.
	SpacesSent bool
	// Groups are the host group ids the user must be a member of,
	// sorted, without duplicates.
	Groups []string
	// Permissions are the permissions granted by the user's groups,
	// sorted, without duplicates.
	Permissions []string
	// GroupsSent reports whether the groups claim was present at all. A
	// strict group sync should not remove memberships when it was not.
	GroupsSent bool
	// GroupsDistributed reports that the groups claim was left out and
	// named in "_claim_names" instead (Entra ID's groups overage: the
	// user is in more groups than a token holds). The host must fetch the
	// groups elsewhere (Microsoft Graph) or keep memberships unchanged.
	GroupsDistributed bool
	// Steps explain the decision, one rule application each.
	Steps []Step
}

// Assignment gives a user Role in Space.
type Assignment struct {
	Space string
	Role  string
}

// Explain renders Steps, one per line.
func (d *Decision) Explain() string {
	var b strings.Builder
	for i, s := range d.Steps {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(s.String())
	}
	return b.String()
}

// Map evaluates the rules on one login's claims against the host's
// catalog (nil means the host has no spaces and no mapped groups).
//
// The email and name are required; an error there, a claim of the wrong
// type or one with too many values stops the mapping. On error the
// returned Decision holds only Steps, the steps taken so far, so an
// administrator can see how far the login got, and no partial result can
// be used by mistake. Map never modifies c or cat and is safe to call
// concurrently.
func (m *Mapper) Map(c Claims, cat *Catalog) (Decision, error) {
	if m == nil || m.zones == nil {
		return Decision{}, &RuleError{Field: "Mapper", Reason: "not made by Compile"}
	}
	d := Decision{Steps: make([]Step, 0, m.estimateSteps(&c))}
	if err := m.decide(&c, cat, &d); err != nil {
		return Decision{Steps: d.Steps}, err
	}
	return d, nil
}

func (m *Mapper) decide(c *Claims, cat *Catalog, d *Decision) error {
	if err := m.mapEmail(c, d); err != nil {
		return err
	}
	if err := m.mapName(c, d); err != nil {
		return err
	}
	m.mapTimezone(c, d)
	if err := m.mapSpaces(c, cat, d); err != nil {
		return err
	}
	return m.mapGroups(c, cat, d)
}

// estimateSteps sizes the step list so that a typical login allocates it
// once: three identity steps, one per space position, one per group (a
// group that maps to several things grows the list).
func (m *Mapper) estimateSteps(c *Claims) int {
	const most = 256 // beyond this, let append grow the list
	n := 3 + max(1, countItems(c, m.spaceName), countItems(c, m.spaceRole)) + 1
	if v, found, _ := c.find(m.groups); found {
		n += v.len()
	}
	return min(n, most)
}

// countItems counts the comma-separated items of an optional claim.
func countItems(c *Claims, p Path) int {
	v, found, _ := c.find(p)
	if !found {
		return 0
	}
	n := v.len()
	for i := 0; i < v.len() && n <= MaxSpaces; i++ {
		n += strings.Count(v.at(i), ",")
	}
	return n
}
