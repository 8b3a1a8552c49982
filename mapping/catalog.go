package mapping

import (
	"errors"
	"strconv"
	"strings"
)

// CatalogConfig lists what the host application knows: its spaces, its
// space roles, the role given when the identity provider names none or an
// unknown one, and its groups with their identity-provider identifiers.
type CatalogConfig struct {
	// Spaces are the host's space names, in the spelling the decision
	// should use.
	Spaces []string
	// Roles are the host's space role names.
	Roles []string
	// DefaultRole is the role given when a space has no valid role
	// (Torque's "Space Member"). Required when Spaces is not empty; it
	// must be one of Roles.
	DefaultRole string
	// Groups are the host's groups. Only groups with an IdPID take part
	// in mapping; the others are managed by hand.
	Groups []Group
}

// Group is a host group and the identifier the identity provider uses
// for it (an Entra ID object id, an Okta group id or name).
type Group struct {
	// ID is the host's group identifier, returned in [Decision.Groups].
	ID string
	// IdPID is the identity provider's identifier for the group, matched
	// against the groups claim case-insensitively with blanks trimmed.
	// Empty means the group is not mapped.
	IdPID string
}

// Catalog is an immutable, indexed copy of a [CatalogConfig]: lookups are
// case-insensitive, ignore surrounding blanks, and do not allocate for
// ASCII names. Build a new Catalog when the host's data changes; a Catalog
// is safe for concurrent use.
type Catalog struct {
	spaces      map[string]string
	roles       map[string]string
	groups      map[string][]string
	defaultRole string
}

// NewCatalog validates cfg and indexes it. It reports every problem at
// once: names that are blank or that collide once folded, and a missing
// or unknown default role.
func NewCatalog(cfg CatalogConfig) (*Catalog, error) {
	var errs []error
	c := &Catalog{groups: make(map[string][]string, len(cfg.Groups))}
	c.spaces = index("Spaces", cfg.Spaces, &errs)
	c.roles = index("Roles", cfg.Roles, &errs)
	if cfg.DefaultRole != "" {
		role, ok := c.roles[foldKey(cfg.DefaultRole)]
		if !ok {
			errs = append(errs, &RuleError{Field: "DefaultRole", Reason: "not one of Roles"})
		}
		c.defaultRole = role
	} else if len(cfg.Spaces) > 0 {
		errs = append(errs, &RuleError{Field: "DefaultRole", Reason: "required when Spaces is set"})
	}
	for i, g := range cfg.Groups {
		field := "Groups[" + strconv.Itoa(i) + "]"
		if strings.TrimSpace(g.ID) == "" {
			errs = append(errs, &RuleError{Field: field + ".ID", Reason: "empty"})
			continue
		}
		k := foldKey(g.IdPID)
		if len(k) > MaxNameLen {
			errs = append(errs, &RuleError{Field: field + ".IdPID", Reason: "longer than " + strconv.Itoa(MaxNameLen) + " bytes"})
			continue
		}
		if k != "" {
			c.groups[k] = append(c.groups[k], g.ID)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// index maps folded names to their trimmed spelling.
func index(field string, names []string, errs *[]error) map[string]string {
	m := make(map[string]string, len(names))
	for i, n := range names {
		k := foldKey(n)
		f := field + "[" + strconv.Itoa(i) + "]"
		if k == "" || len(k) > MaxNameLen {
			*errs = append(*errs, &RuleError{Field: f, Reason: "empty or longer than " + strconv.Itoa(MaxNameLen) + " bytes"})
			continue
		}
		if prev, dup := m[k]; dup {
			*errs = append(*errs, &RuleError{Field: f, Reason: "same name as " + strconv.Quote(prev) + " once case and blanks are ignored"})
			continue
		}
		m[k] = strings.TrimSpace(n)
	}
	return m
}

// Space returns the host's spelling of the space named s, if known.
func (c *Catalog) Space(s string) (string, bool) {
	if c == nil {
		return "", false
	}
	return lookupFold(c.spaces, s)
}

// Role returns the host's spelling of the role named s, if known.
func (c *Catalog) Role(s string) (string, bool) {
	if c == nil {
		return "", false
	}
	return lookupFold(c.roles, s)
}

// DefaultRole returns the role given to spaces without a valid role.
func (c *Catalog) DefaultRole() string {
	if c == nil {
		return ""
	}
	return c.defaultRole
}
