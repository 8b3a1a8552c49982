package mapping

import (
	"strconv"
	"strings"
)

// MaxSpaces is the most comma-separated items the space and role claims
// may hold together over all their values; more is [ErrTooManyValues].
const MaxSpaces = 256

// entry is one comma-separated item of the space or role claim.
type entry struct {
	raw   string // as sent, between the commas
	canon string // host spelling; "" when unknown or empty
}

// spaceList holds the parsed space and role claims. The backing arrays
// live on the caller's stack for the usual handful of entries.
type spaceList struct {
	spaces, roles []entry
}

// splitEntries appends the comma-separated items of every value of v to
// dst, resolving each with lookup. It fails when there are more than
// MaxSpaces items.
func splitEntries(dst []entry, v values, p Path, lookup func(string) (string, bool)) ([]entry, error) {
	for i := 0; i < v.len(); i++ {
		s := v.at(i)
		for {
			if len(dst) == MaxSpaces {
				return dst, &ClaimError{Path: p.text, Got: "more than " + strconv.Itoa(MaxSpaces) + " items", Err: ErrTooManyValues}
			}
			item, rest, more := strings.Cut(s, ",")
			canon, _ := lookup(item)
			dst = append(dst, entry{raw: item, canon: canon})
			if !more {
				break
			}
			s = rest
		}
	}
	return dst, nil
}

// readList reads an optional comma-separated claim into dst.
func readList(c *Claims, p Path, dst []entry, lookup func(string) (string, bool)) ([]entry, bool, error) {
	v, found, err := c.find(p)
	if err != nil || !found {
		return dst, false, err
	}
	dst, err = splitEntries(dst, v, p, lookup)
	return dst, true, err
}

// mapSpaces applies Torque's six rules:
//
//  1. one role for several spaces is reused for each of them;
//  2. several roles for the same space: the first valid one wins;
//  3. an unknown role gives the default role;
//  4. more spaces than roles: the extra spaces get the default role;
//  5. more roles than spaces: the extra roles are ignored;
//  6. an unknown space is ignored with its role.
func (m *Mapper) mapSpaces(c *Claims, cat *Catalog, d *Decision) error {
	var sbuf, rbuf [16]entry
	spaces, sent, err := readList(c, m.spaceName, sbuf[:0], cat.Space)
	if err != nil {
		return err
	}
	roles, rsent, err := readList(c, m.spaceRole, rbuf[:0], cat.Role)
	if err != nil {
		return err
	}
	d.SpacesSent = sent
	if !sent && !rsent {
		d.Steps = append(d.Steps, Step{Kind: StepNoSpaces, Claim: q(m.spaceName.text) + " and " + q(m.spaceRole.text)})
		return nil
	}
	l := spaceList{spaces: spaces, roles: roles}
	l.assign(cat.DefaultRole(), d)
	return nil
}

// roleAt returns the index of the role paired with space position i, or
// -1 when there is none (rule 4). A single role pairs with every space
// (rule 1).
func (l *spaceList) roleAt(i int) int {
	switch {
	case len(l.roles) == 1:
		return 0
	case i < len(l.roles):
		return i
	}
	return -1
}

// assign decides each known space's role, then explains every position.
func (l *spaceList) assign(def string, d *Decision) {
	if len(l.spaces) > 0 {
		d.Spaces = make([]Assignment, 0, len(l.spaces))
	}
	for _, s := range l.spaces {
		if s.canon == "" || l.indexOf(s.canon, d.Spaces) >= 0 {
			continue
		}
		d.Spaces = append(d.Spaces, Assignment{Space: s.canon, Role: l.roleOf(s.canon, def)})
	}
	for i, s := range l.spaces {
		d.Steps = append(d.Steps, l.explain(i, s, def))
	}
	if len(l.roles) > 1 {
		for i := len(l.spaces); i < len(l.roles); i++ {
			d.Steps = append(d.Steps, Step{Kind: StepRoleExtra, Input: l.roles[i].raw, Pos: i + 1})
		}
	} else if len(l.roles) == 1 && len(l.spaces) == 0 {
		d.Steps = append(d.Steps, Step{Kind: StepRoleExtra, Input: l.roles[0].raw, Pos: 1})
	}
}

func (l *spaceList) indexOf(space string, as []Assignment) int {
	for i, a := range as {
		if a.Space == space {
			return i
		}
	}
	return -1
}

// chosen returns the position whose role space gets: the first position
// naming space with a valid role, or -1 (rules 2 and 3).
func (l *spaceList) chosen(space string) int {
	for i, s := range l.spaces {
		if s.canon == space {
			if r := l.roleAt(i); r >= 0 && l.roles[r].canon != "" {
				return i
			}
		}
	}
	return -1
}

// roleOf returns the role space gets.
func (l *spaceList) roleOf(space, def string) string {
	if c := l.chosen(space); c >= 0 {
		return l.roles[l.roleAt(c)].canon
	}
	return def
}

// explain describes what happened at space position i.
func (l *spaceList) explain(i int, s entry, def string) Step {
	pos := i + 1
	if strings.TrimSpace(s.raw) == "" {
		return Step{Kind: StepSpaceEmpty, Pos: pos}
	}
	if s.canon == "" {
		return Step{Kind: StepSpaceUnknown, Input: s.raw, Pos: pos}
	}
	r := l.roleAt(i)
	input := ""
	if r >= 0 {
		input = l.roles[r].raw
	}
	c := l.chosen(s.canon)
	switch {
	case c == i && len(l.roles) == 1 && len(l.spaces) > 1:
		return Step{Kind: StepSpaceRoleReused, Space: s.canon, Input: input, Output: l.roles[0].canon, Pos: 1}
	case c == i:
		return Step{Kind: StepSpaceRole, Space: s.canon, Input: input, Output: l.roles[r].canon, Pos: r + 1}
	case c >= 0 || l.firstOf(s.canon) != i:
		return Step{Kind: StepRoleIgnored, Space: s.canon, Input: input, Output: l.roleOf(s.canon, def), Pos: pos}
	case r < 0 || strings.TrimSpace(input) == "":
		return Step{Kind: StepRoleMissing, Space: s.canon, Output: def, Pos: pos}
	}
	return Step{Kind: StepRoleUnknown, Space: s.canon, Input: input, Output: def, Pos: r + 1}
}

func (l *spaceList) firstOf(space string) int {
	for i, s := range l.spaces {
		if s.canon == space {
			return i
		}
	}
	return -1
}
