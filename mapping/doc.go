// Package mapping is a pure engine that turns what an identity provider
// says about a person (the claims of an ID token, access token or userinfo
// response, or the attributes of a SAML assertion) into the host
// application's decisions: email, name, timezone, a role in each space,
// host group memberships and permissions, each explained in plain words.
//
// It does no I/O (except reading the timezone database through
// [time.LoadLocation], which [Rules.LoadLocation] can replace), reads no
// clock and has no package state. Rules are compiled once into an
// immutable [Mapper]; the host's spaces, roles and groups are indexed into
// an immutable [Catalog] that the host rebuilds when its data changes.
// Both are safe for concurrent use.
//
// # Usage
//
//	m, err := mapping.Compile(mapping.Rules{
//		Email:        "preferred_username",
//		EmailPattern: `^.*@example\.com$`,
//		Groups:       "access_token:resource_access/reinfer.io/roles",
//		Permissions:  []mapping.PermissionRule{{Group: "admins", Permissions: []string{"admin"}}},
//	})
//	cat, err := mapping.NewCatalog(mapping.CatalogConfig{
//		Spaces: []string{"Trial", "DevOps"}, Roles: []string{"Space Member", "Space Developer"},
//		DefaultRole: "Space Member",
//		Groups: []mapping.Group{{ID: "ops", IdPID: "6f1c7e2a-5b0d-4b8e-9c3a-2d4e5f607182"}},
//	})
//	d, err := m.Map(mapping.Claims{IDToken: idClaims, AccessToken: atClaims}, cat)
//	// d.Email, d.Name, d.Timezone, d.Spaces, d.Groups, d.Permissions
//	fmt.Println(d.Explain())
//
// # Claims documents
//
// [Claims] holds the documents of one login: IDToken, AccessToken and
// UserInfo as decoded JSON objects (map[string]any), and SAML as the
// assertion's multi-valued attributes (map[string][]string). A claim
// value is read as a string or a list of strings; numbers, booleans and
// objects are [ErrClaimType] errors, and null counts as absent.
//
// # Claim paths
//
// A claim path names one claim, optionally inside nested JSON objects:
//
//	path     = [document ":"] segment *("/" segment)
//	document = "id_token" / "access_token" / "userinfo" / "saml"
//
// Segments are separated by "/". Inside a segment "~1" stands for "/" and
// "~0" for "~" (as in JSON Pointer, RFC 6901); every other character,
// including "." and ":", is literal. A path may not be empty, start or end
// with "/", or hold a "~" not followed by "0" or "1". Examples:
//
//	groups                                  top-level "groups", any document
//	id_token:roles                          Re:infer's "id_token / roles"
//	access_token:resource_access/reinfer.io Re:infer's "access_token / resource_access / reinfer.io"
//	resource_access/reinfer.io/roles        key "reinfer.io" needs no escape
//	claims/team~1unit                       key "team/unit" inside "claims"
//	saml:http://schemas.microsoft.com/ws/2008/06/identity/claims/groups
//
// Without a document selector a path is looked up in the ID token, then
// the userinfo response, then the SAML attributes; the first document
// where it resolves wins. The access token is read only when selected
// with "access_token:", since it is addressed to a resource server.
//
// SAML attributes are flat: the whole path after the selector, with "/"
// kept, is the attribute name, so the last example above needs no
// escapes. A selector is recognised only for the four names above, so
// "urn:oid:0.9.2342.19200300.100.1.3" is a plain attribute name.
//
// [Claims.List] lists every claim that arrived with the path that reads
// it, for an administrator's troubleshooting page.
//
// # Email and name
//
// The email comes from the "email" claim unless [Rules.Email] names
// another (Contiamo's claimMapping: "email": "preferred_username"). It is
// trimmed, lower-cased and must be one plain address, else Map fails with
// an [*EmailError] naming the claim. [Rules.EmailPattern] is a Go regular
// expression the email must match: ".*" lets every email in,
// "^.*@contiamo\.com$" only the contiamo.com domain (Contiamo's document
// writes "^.*@contiamo.com$", whose unescaped "." also matches any
// character); a miss is a [*PatternError]. The name comes from "name",
// else from "given_name" and "family_name".
//
// # Spaces and roles
//
// Following Torque, the "space_name" and "space_role" claims each hold
// comma-separated lists, paired by position, resolved against the
// [Catalog] case-insensitively with blanks trimmed:
//
//   - one role for several spaces is reused in every space;
//   - several roles for the same space: the first valid one wins;
//   - an unknown role gives the catalog's default role (Space Member);
//   - more spaces than roles: the extra spaces get the default role;
//   - more roles than spaces: the extra roles are ignored;
//   - an unknown space is ignored with its role.
//
// An optional "timezone" claim must be an IANA name; an invalid one is
// reported as a step, not an error.
//
// # Groups and permissions
//
// The "groups" claim lists the identity provider's group identifiers.
// Each host [Group] with the same IdPID (matched case-insensitively, as
// Entra ID object ids are GUIDs) becomes a member in [Decision.Groups];
// each [PermissionRule] for the group adds its permissions to
// [Decision.Permissions]. [Decision.GroupsSent] tells a strict sync
// whether the claim was present at all, and [Decision.GroupsDistributed]
// that it was left out and named in "_claim_names" instead (Entra ID's
// "groups overage" for users in more groups than a token holds).
//
// # Explanations
//
// Every [Decision] carries [Step] values, rendered by [Step.String]:
//
//	space 'DevOps': role 'Space Developer' from position 2
//	space 'Trial': role 'Admin ' unknown: Space Member
//	space 'Trial2' unknown: ignored
//
// Steps are structured values, so building them costs no formatting;
// the text is made only when shown.
//
// # Errors
//
// Errors wrap the sentinels [ErrInvalidPath], [ErrMissingClaim],
// [ErrClaimType], [ErrTooManyValues], [ErrInvalidEmail], [ErrEmailPattern]
// and [ErrInvalidRules], and carry typed details ([*PathError],
// [*ClaimError], [*EmailError], [*PatternError], [*RuleError]) for
// [errors.As]. Their messages name claims but never quote claim values, so
// they are safe to show to the user.
package mapping
