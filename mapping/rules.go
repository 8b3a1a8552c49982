package mapping

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Default claim paths used when a [Rules] field is empty.
const (
	DefaultEmailClaim      = "email"
	DefaultNameClaim       = "name"
	DefaultGivenNameClaim  = "given_name"
	DefaultFamilyNameClaim = "family_name"
	DefaultSpaceNameClaim  = "space_name"
	DefaultSpaceRoleClaim  = "space_role"
	DefaultTimezoneClaim   = "timezone"
	DefaultGroupsClaim     = "groups"
)

// MaxPatternLen bounds Rules.EmailPattern, in bytes.
const MaxPatternLen = 1024

// Rules are one connection's mapping rules as configured. Every claim
// field is a claim path (see the package documentation); an empty field
// means the default claim name. Compile them once with [Compile].
type Rules struct {
	// Email is the claim holding the email; Contiamo's
	// claimMapping.email. Default "email"; Entra setups without mailboxes
	// may use "preferred_username".
	Email string
	// Name is the claim holding the full name. Default "name".
	Name string
	// GivenName and FamilyName build the name when the Name claim is
	// absent or blank. Defaults "given_name" and "family_name".
	GivenName  string
	FamilyName string
	// NameOptional lets a login without any name claim through with an
	// empty name. By default a missing name is an [ErrMissingClaim] error.
	NameOptional bool
	// EmailPattern is a Go regular expression the normalised (lower-case)
	// email must match; empty accepts every email. Like Go's
	// regexp.MatchString it matches anywhere unless anchored: ".*"
	// accepts all, "^.*@contiamo\.com$" only the contiamo.com domain.
	EmailPattern string
	// SpaceName and SpaceRole hold the comma-separated spaces and roles.
	// Defaults "space_name" and "space_role".
	SpaceName string
	SpaceRole string
	// Timezone holds an optional IANA timezone name. Default "timezone".
	Timezone string
	// Groups holds the user's group identifiers. Default "groups".
	Groups string
	// Permissions maps identity-provider groups to host permissions.
	Permissions []PermissionRule
	// LoadLocation checks timezone names; nil means [time.LoadLocation],
	// which reads the system's timezone database. Valid names are cached
	// in the Mapper, so the database is read once per name.
	LoadLocation func(name string) (*time.Location, error)
}

// PermissionRule grants Permissions to members of the identity-provider
// group Group (a name or identifier as it appears in the groups claim,
// matched case-insensitively with blanks trimmed).
type PermissionRule struct {
	Group       string
	Permissions []string
}

// Mapper is a compiled, immutable set of [Rules]. It is safe for
// concurrent use; evaluate it on every login with [Mapper.Map].
type Mapper struct {
	email, name, given, family Path
	spaceName, spaceRole       Path
	timezone, groups           Path
	nameOptional               bool
	pattern                    *regexp.Regexp
	perms                      map[string]permEntry
	maxPerms                   int // most permissions one rule grants
	loadLocation               func(string) (*time.Location, error)
	zones                      *zoneCache
}

type permEntry struct {
	perms   []string
	display string
}

// Compile validates r and compiles it: paths are parsed, the email
// pattern is compiled, permission rules are indexed. It reports every
// problem at once as [RuleError] values joined with [errors.Join].
func Compile(r Rules) (*Mapper, error) {
	var errs []error
	path := func(field, s, def string) Path {
		if s == "" {
			s = def
		}
		p, err := ParsePath(s)
		if err != nil {
			errs = append(errs, &RuleError{Field: field, Reason: "invalid claim path", Err: err})
		}
		return p
	}
	m := &Mapper{
		email:        path("Email", r.Email, DefaultEmailClaim),
		name:         path("Name", r.Name, DefaultNameClaim),
		given:        path("GivenName", r.GivenName, DefaultGivenNameClaim),
		family:       path("FamilyName", r.FamilyName, DefaultFamilyNameClaim),
		spaceName:    path("SpaceName", r.SpaceName, DefaultSpaceNameClaim),
		spaceRole:    path("SpaceRole", r.SpaceRole, DefaultSpaceRoleClaim),
		timezone:     path("Timezone", r.Timezone, DefaultTimezoneClaim),
		groups:       path("Groups", r.Groups, DefaultGroupsClaim),
		nameOptional: r.NameOptional,
		loadLocation: r.LoadLocation,
		zones:        &zoneCache{names: make(map[string]struct{})},
	}
	if m.loadLocation == nil {
		m.loadLocation = time.LoadLocation
	}
	m.pattern = compilePattern(r.EmailPattern, &errs)
	m.perms = compilePermissions(r.Permissions, &errs)
	for _, pe := range m.perms {
		m.maxPerms = max(m.maxPerms, len(pe.perms))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return m, nil
}

func compilePattern(s string, errs *[]error) *regexp.Regexp {
	if s == "" {
		return nil
	}
	if len(s) > MaxPatternLen {
		*errs = append(*errs, &RuleError{Field: "EmailPattern", Reason: "longer than " + strconv.Itoa(MaxPatternLen) + " bytes"})
		return nil
	}
	re, err := regexp.Compile(s)
	if err != nil {
		*errs = append(*errs, &RuleError{Field: "EmailPattern", Reason: "invalid regular expression", Err: err})
	}
	return re
}

func compilePermissions(rules []PermissionRule, errs *[]error) map[string]permEntry {
	m := make(map[string]permEntry, len(rules))
	for i, r := range rules {
		field := "Permissions[" + strconv.Itoa(i) + "]"
		k := foldKey(r.Group)
		switch {
		case k == "" || len(k) > MaxNameLen:
			*errs = append(*errs, &RuleError{Field: field + ".Group", Reason: "empty or longer than " + strconv.Itoa(MaxNameLen) + " bytes"})
			continue
		case len(r.Permissions) == 0:
			*errs = append(*errs, &RuleError{Field: field + ".Permissions", Reason: "empty"})
			continue
		}
		if _, dup := m[k]; dup {
			*errs = append(*errs, &RuleError{Field: field + ".Group", Reason: "group " + strconv.Quote(strings.TrimSpace(r.Group)) + " already has a rule"})
			continue
		}
		perms := make([]string, 0, len(r.Permissions))
		for j, p := range r.Permissions {
			if p = strings.TrimSpace(p); p == "" {
				*errs = append(*errs, &RuleError{Field: field + ".Permissions[" + strconv.Itoa(j) + "]", Reason: "empty"})
				continue
			}
			perms = append(perms, p)
		}
		m[k] = permEntry{perms: perms, display: quoteList(perms)}
	}
	return m
}

// zoneCache remembers timezone names already found valid. It holds at
// most maxZones names, so hostile values cannot grow it without bound.
type zoneCache struct {
	mu    sync.RWMutex
	names map[string]struct{}
}

const maxZones = 1024

func (z *zoneCache) has(name string) bool {
	z.mu.RLock()
	_, ok := z.names[name]
	z.mu.RUnlock()
	return ok
}

func (z *zoneCache) add(name string) {
	z.mu.Lock()
	if len(z.names) < maxZones {
		z.names[name] = struct{}{}
	}
	z.mu.Unlock()
}
