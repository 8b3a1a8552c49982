package scim

import "strings"

// Schema URIs used by this package.
const (
	UserSchema            = "urn:ietf:params:scim:schemas:core:2.0:User"
	GroupSchema           = "urn:ietf:params:scim:schemas:core:2.0:Group"
	EnterpriseUserSchema  = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	ListResponseSchema    = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	PatchOpSchema         = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	ServiceProviderSchema = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
	ResourceTypeSchema    = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
	SchemaSchema          = "urn:ietf:params:scim:schemas:core:2.0:Schema"
)

// Schema vocabulary (RFC 7643 section 7) and attribute names.
const (
	userResourceType       = UserType
	groupResourceType      = GroupType
	mutabilityReadOnly     = "readOnly"
	mutabilityReadWrite    = "readWrite"
	mutabilityImmutable    = "immutable"
	mutabilityWriteOnly    = "writeOnly"
	returnedDefault        = "default"
	returnedAlways         = "always"
	returnedNever          = "never"
	uniquenessNone         = "none"
	uniquenessServer       = "server"
	typeString             = "string"
	typeBoolean            = "boolean"
	typeComplex            = "complex"
	typeDateTime           = "dateTime"
	typeReference          = "reference"
	typeBinary             = "binary"
	typeInteger            = "integer"
	typeDecimal            = "decimal"
	metaAttr               = "meta"
	idAttr                 = "id"
	externalIDAttr         = "externalId"
	schemasAttr            = "schemas"
	membersAttr            = "members"
	activeAttr             = "active"
	userNameAttr           = "userName"
	displayNameAttr        = "displayName"
	passwordAttr           = "password"
	valueSubAttr           = "value"
	primarySubAttr         = "primary"
	enterpriseManagerAttr  = "manager"
	maxMultiValuedElements = 100000
)

// Attribute describes one attribute of a schema (RFC 7643 section 7).
type Attribute struct {
	Name            string       `json:"name"`
	Type            string       `json:"type"`
	MultiValued     bool         `json:"multiValued"`
	Description     string       `json:"description,omitempty"`
	Required        bool         `json:"required"`
	CaseExact       bool         `json:"caseExact"`
	Mutability      string       `json:"mutability"`
	Returned        string       `json:"returned"`
	Uniqueness      string       `json:"uniqueness"`
	CanonicalValues []string     `json:"canonicalValues,omitempty"`
	ReferenceTypes  []string     `json:"referenceTypes,omitempty"`
	SubAttributes   []*Attribute `json:"subAttributes,omitempty"`
}

// Schema is a SCIM schema: its URI and attributes.
type Schema struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Description string       `json:"description"`
	Attributes  []*Attribute `json:"attributes"`
}

// find returns the attribute named name, ignoring case.
func findAttr(attrs []*Attribute, name string) *Attribute {
	for _, a := range attrs {
		if strings.EqualFold(a.Name, name) {
			return a
		}
	}
	return nil
}

// sub returns the sub-attribute named name, ignoring case.
func (a *Attribute) sub(name string) *Attribute { return findAttr(a.SubAttributes, name) }

// attr builds a read-write, default-returned string attribute.
func attr(name, typ string, opts ...func(*Attribute)) *Attribute {
	a := &Attribute{Name: name, Type: typ, Mutability: mutabilityReadWrite,
		Returned: returnedDefault, Uniqueness: uniquenessNone}
	for _, o := range opts {
		o(a)
	}
	return a
}

// Attribute options.
func multi(a *Attribute)     { a.MultiValued = true }
func required(a *Attribute)  { a.Required = true }
func caseExact(a *Attribute) { a.CaseExact = true }
func readOnly(a *Attribute)  { a.Mutability = mutabilityReadOnly }
func unique(a *Attribute)    { a.Uniqueness = uniquenessServer }
func writeOnly(a *Attribute) {
	a.Mutability, a.Returned = mutabilityWriteOnly, returnedNever
}
func subs(s ...*Attribute) func(*Attribute) {
	return func(a *Attribute) { a.Type, a.SubAttributes = typeComplex, s }
}

// multiValuedSubs are the usual sub-attributes of a multi-valued attribute.
func multiValuedSubs(valueType string, extra ...*Attribute) func(*Attribute) {
	s := []*Attribute{attr(valueSubAttr, valueType), attr("display", typeString),
		attr("type", typeString), attr(primarySubAttr, typeBoolean)}
	return subs(append(s, extra...)...)
}

// commonAttributes are id, externalId and meta (RFC 7643 section 3.1).
func commonAttributes() []*Attribute {
	return []*Attribute{
		attr(idAttr, typeString, caseExact, readOnly, unique, func(a *Attribute) { a.Returned = returnedAlways }),
		attr(externalIDAttr, typeString, caseExact),
		attr(metaAttr, typeComplex, readOnly, subs(
			attr("resourceType", typeString, caseExact, readOnly),
			attr("created", typeDateTime, readOnly),
			attr("lastModified", typeDateTime, readOnly),
			attr("location", typeReference, caseExact, readOnly),
			attr("version", typeString, caseExact, readOnly))),
	}
}

// userSchema is the core User schema (RFC 7643 section 4.1).
func userSchema() *Schema {
	str := func(n string) *Attribute { return attr(n, typeString) }
	return &Schema{ID: UserSchema, Name: "User", Description: "User Account", Attributes: []*Attribute{
		attr(userNameAttr, typeString, required, unique),
		attr("name", typeComplex, subs(str("formatted"), str("familyName"), str("givenName"),
			str("middleName"), str("honorificPrefix"), str("honorificSuffix"))),
		str(displayNameAttr), str("nickName"), attr("profileUrl", typeReference),
		str("title"), str("userType"), str("preferredLanguage"), str("locale"), str("timezone"),
		attr(activeAttr, typeBoolean),
		attr(passwordAttr, typeString, writeOnly),
		attr("emails", typeComplex, multi, multiValuedSubs(typeString)),
		attr("phoneNumbers", typeComplex, multi, multiValuedSubs(typeString)),
		attr("ims", typeComplex, multi, multiValuedSubs(typeString)),
		attr("photos", typeComplex, multi, multiValuedSubs(typeReference)),
		attr("addresses", typeComplex, multi, subs(str("formatted"), str("streetAddress"),
			str("locality"), str("region"), str("postalCode"), str("country"), str("type"),
			attr(primarySubAttr, typeBoolean))),
		attr("groups", typeComplex, multi, readOnly, multiValuedSubs(typeString,
			attr("$ref", typeReference, readOnly))),
		attr("entitlements", typeComplex, multi, multiValuedSubs(typeString)),
		attr("roles", typeComplex, multi, multiValuedSubs(typeString)),
		attr("x509Certificates", typeComplex, multi, multiValuedSubs(typeBinary)),
	}}
}

// enterpriseUserSchema is the Enterprise User extension (RFC 7643 4.3).
func enterpriseUserSchema() *Schema {
	str := func(n string) *Attribute { return attr(n, typeString) }
	return &Schema{ID: EnterpriseUserSchema, Name: "EnterpriseUser", Description: "Enterprise User",
		Attributes: []*Attribute{str("employeeNumber"), str("costCenter"), str("organization"),
			str("division"), str("department"),
			attr(enterpriseManagerAttr, typeComplex, subs(attr(valueSubAttr, typeString, caseExact),
				attr("$ref", typeReference), attr(displayNameAttr, typeString, readOnly))),
		}}
}

// groupSchema is the core Group schema (RFC 7643 section 4.2).
func groupSchema() *Schema {
	return &Schema{ID: GroupSchema, Name: "Group", Description: "Group", Attributes: []*Attribute{
		attr(displayNameAttr, typeString, required),
		attr(membersAttr, typeComplex, multi, subs(
			attr(valueSubAttr, typeString, caseExact, immutableAttr),
			attr("$ref", typeReference, immutableAttr),
			attr("display", typeString),
			attr("type", typeString, immutableAttr))),
	}}
}

func immutableAttr(a *Attribute) { a.Mutability = mutabilityImmutable }

// resourceSchema is the compiled view of a resource type: its core schema,
// its extensions and the common attributes.
type resourceSchema struct {
	name       string // "User" or "Group"
	endpoint   string // "/Users"
	core       *Schema
	extensions []*Schema
	common     []*Attribute
}

// builtinUsers and builtinGroups are built once and never modified: they
// are constant tables, shared read-only by every Handler and Matcher.
var builtinUsers, builtinGroups = newBuiltinTypes()

// builtinTypes returns the shared, read-only built-in resource types.
func builtinTypes() (users, groups *resourceSchema) { return builtinUsers, builtinGroups }

// newBuiltinTypes builds the built-in resource types.
func newBuiltinTypes() (users, groups *resourceSchema) {
	users = &resourceSchema{name: userResourceType, endpoint: "/Users", core: userSchema(),
		extensions: []*Schema{enterpriseUserSchema()}, common: commonAttributes()}
	groups = &resourceSchema{name: groupResourceType, endpoint: "/Groups", core: groupSchema(),
		common: commonAttributes()}
	return users, groups
}

// knownSchemaURI returns the canonical spelling of a schema URI this package
// knows, or "".
func knownSchemaURI(s string) string {
	for _, u := range []string{UserSchema, GroupSchema, EnterpriseUserSchema} {
		if strings.EqualFold(s, u) {
			return u
		}
	}
	return ""
}

// extension returns the extension schema with the given URI.
func (rs *resourceSchema) extension(uri string) *Schema {
	for _, e := range rs.extensions {
		if strings.EqualFold(e.ID, uri) {
			return e
		}
	}
	return nil
}

// lookup resolves a top-level attribute: container is "" for core and
// common attributes, or the extension URI whose object holds it.
func (rs *resourceSchema) lookup(uri, name string) (container string, a *Attribute, ok bool) {
	if uri == "" || strings.EqualFold(uri, rs.core.ID) {
		if a := findAttr(rs.common, name); a != nil {
			return "", a, true
		}
		if a := findAttr(rs.core.Attributes, name); a != nil {
			return "", a, true
		}
		return "", nil, false
	}
	if ext := rs.extension(uri); ext != nil {
		if a := findAttr(ext.Attributes, name); a != nil {
			return ext.ID, a, true
		}
	}
	return "", nil, false
}

// schemaURIs lists the core schema and the extensions present in attrs.
func (rs *resourceSchema) schemaURIs(attrs map[string]any) []string {
	out := []string{rs.core.ID}
	for _, e := range rs.extensions {
		if _, ok := attrs[e.ID]; ok {
			out = append(out, e.ID)
		}
	}
	return out
}
