package sso

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/ssokit/ssokit/domains"
	"github.com/ssokit/ssokit/groupsync"
	"github.com/ssokit/ssokit/jwtsso"
	"github.com/ssokit/ssokit/mapping/policy"
	"github.com/ssokit/ssokit/oidc"
	"github.com/ssokit/ssokit/saml"
)

// Problem is one invalid value of a configuration, at its JSON path
// (for example $["acme"][0].parameters.clientId).
type Problem struct {
	Path    string
	Message string
}

// String returns "path: message".
func (p Problem) String() string { return p.Path + ": " + p.Message }

// ConfigError lists every problem of a configuration at once. Messages
// never contain secret values.
type ConfigError struct {
	Problems []Problem
}

// Error lists the problems, one per line after the first.
func (e *ConfigError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "sso: invalid configuration (%d problems)", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n\t")
		b.WriteString(p.String())
	}
	return b.String()
}

// Unwrap returns ErrConfig.
func (e *ConfigError) Unwrap() error { return ErrConfig }

// ErrConfig is wrapped by every [*ConfigError].
var ErrConfig = errors.New("sso: invalid configuration")

type problems []Problem

func (p *problems) addf(path, format string, args ...any) {
	*p = append(*p, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

func (p *problems) add(ps ...Problem) { *p = append(*p, ps...) }

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return &ConfigError{Problems: p}
}

// Validate checks tenants built in Go the way [ParseConfig] checks a file,
// reporting every problem at once as a [*ConfigError].
func Validate(tenants []Tenant, secrets Secrets) error {
	var p problems
	p.add(validateTenants(tenants, secrets)...)
	return p.err()
}

func validateTenants(tenants []Tenant, secrets Secrets) []Problem {
	var p problems
	seen := map[string]bool{}
	p.add(validateDomains(tenants)...)
	for i := range tenants {
		t := &tenants[i]
		base := "$[" + strconv.Quote(t.Slug) + "]"
		if err := checkSegment(t.Slug); err != nil {
			p.addf(base, "tenant slug %v", err)
		}
		if seen[t.Slug] {
			p.addf(base, "duplicate tenant")
		}
		seen[t.Slug] = true
		p.add(validateTenant(t, secrets)...)
	}
	return p
}

func validateTenant(t *Tenant, secrets Secrets) []Problem {
	var p problems
	ids := map[string]int{}
	iam := 0
	for i := range t.Connections {
		c := t.Connections[i]
		c.normalize()
		path := t.connPath(i)
		if j, dup := ids[c.ID]; dup {
			p.addf(path+".id", "connection id %q is already used by connection %d; set distinct ids", c.ID, j)
		}
		ids[c.ID] = i
		if !c.Disabled && c.Kind.IsIAM() {
			iam++
		}
		p.add(validateConnection(path, &c, secrets)...)
	}
	if t.SingleIAM && iam > 1 {
		p.addf(t.connPath(0), "singleIAM allows one enabled IAM connection, found %d", iam)
	}
	return p
}

func validateConnection(path string, c *Connection, secrets Secrets) []Problem {
	var p problems
	if err := checkSegment(c.ID); err != nil {
		p.addf(path+".id", "%v", err)
	}
	switch {
	case c.Kind.IsOIDC():
		p.add(validateOIDC(path+".parameters", c, secrets)...)
	case c.Kind == KindSAML:
		p.add(validateSAML(path+".parameters", c)...)
	case c.Kind == KindJWT:
		p.add(validateJWT(path+".parameters", c, secrets)...)
	default:
		p.addf(path+".kind", "unknown kind %q (want saml, oidc, azure, google, okta or jwt)", c.Kind)
	}
	if c.Mode != ModeOptional && c.Mode != ModeRequired {
		p.addf(path+".mode", "unknown mode %q (want required or optional)", c.Mode)
	}
	switch c.Provisioning {
	case ExistingOnly, JIT, JITAndUpdate:
	default:
		p.addf(path+".provisioning", "unknown provisioning %q (want existing-only, jit or jit-and-update)", c.Provisioning)
	}
	if _, err := groupsync.ParseMode(c.GroupSync); err != nil {
		p.addf(path+".groupSync", "unknown group sync mode %q (want strict, additive or none)", c.GroupSync)
	}
	for i, d := range c.Domains {
		if d == "" || strings.ContainsAny(d, "@/ ") {
			p.addf(path+".domains["+strconv.Itoa(i)+"]", "not a domain name")
		} else if _, err := domains.Normalize(d); err != nil {
			// gmail.com or co.uk can never be verified, so never routed.
			p.addf(path+".domains["+strconv.Itoa(i)+"]", "%v", err)
		}
	}
	for k := range c.Parameters.ClaimMapping {
		if _, ok := claimMappingKeys[k]; !ok {
			p.addf(path+".parameters.claimMapping", "unknown key %q", k)
		}
	}
	if _, err := compileRules(c); err != nil {
		p.addf(path+".parameters.claimMapping", "%v", err)
	}
	p.add(validateExpressions(path+".testExpressions", c.TestExpressions)...)
	return p
}

func validateExpressions(path string, exprs []string) []Problem {
	var p problems
	if len(exprs) == 0 {
		return nil
	}
	_, err := policy.Compile(exprs, policy.Options{})
	if err == nil {
		return nil
	}
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	for _, e := range list {
		var ce *policy.CompileError
		if errors.As(e, &ce) {
			p.addf(path+"["+strconv.Itoa(ce.Index)+"]", "%v", ce)
			continue
		}
		p.addf(path, "%v", e)
	}
	return p
}

func validateOIDC(path string, c *Connection, secrets Secrets) []Problem {
	var p problems
	prm := &c.Parameters
	if prm.ClientID == "" {
		p.addf(path+".clientId", "is required")
	}
	if err := checkHTTPURL(prm.DiscoveryEndpoint); err != nil {
		p.addf(path+".discoveryEndpoint", "%v", err)
	}
	switch prm.AuthMethod {
	case "", "client_secret_basic", "client_secret_post":
		p.add(checkSecret(path+".clientSecret", prm.ClientSecret, true, secrets)...)
	case "private_key_jwt":
		p.add(checkPrivateKey(path+".privateKey", prm.PrivateKey, secrets)...)
	default:
		p.addf(path+".authMethod", "unknown %q (want client_secret_basic, client_secret_post or private_key_jwt)", prm.AuthMethod)
	}
	if len(prm.Scopes) > 0 && !slices.Contains(prm.Scopes, "openid") {
		p.addf(path+".scopes", "must include \"openid\"")
	}
	return p
}

func validateSAML(path string, c *Connection) []Problem {
	var p problems
	prm := &c.Parameters
	switch {
	case prm.MetadataURL != "":
		if err := checkHTTPURL(prm.MetadataURL); err != nil {
			p.addf(path+".metadataUrl", "%v", err)
		}
	case prm.MetadataXML != "":
		if _, err := saml.ParseIdPMetadata([]byte(prm.MetadataXML)); err != nil {
			p.addf(path+".metadataXml", "%v", err)
		}
	case prm.IdPIssuer != "" || prm.SSOURL != "" || prm.Certificate != "":
		if prm.IdPIssuer == "" {
			p.addf(path+".idpIssuer", "is required without metadata")
		}
		if err := checkHTTPURL(prm.SSOURL); err != nil {
			p.addf(path+".ssoUrl", "%v", err)
		}
		if prm.Certificate == "" {
			p.addf(path+".certificate", "is required without metadata")
		} else if _, err := saml.ParseCertificates(prm.Certificate); err != nil {
			p.addf(path+".certificate", "%v", err)
		}
	default:
		p.addf(path, "one of metadataUrl, metadataXml or idpIssuer+ssoUrl+certificate is required")
	}
	return p
}

func validateJWT(path string, c *Connection, secrets Secrets) []Problem {
	var p problems
	if c.Parameters.SharedSecret == "" {
		p.addf(path+".sharedSecret", "is required")
	} else if v, err := secrets.Resolve(c.Parameters.SharedSecret); err != nil {
		p.addf(path+".sharedSecret", "%v", err)
	} else if len(v) < jwtsso.SecretSize {
		p.addf(path+".sharedSecret", "must be at least %d bytes (generate one with jwtsso.GenerateKey)", jwtsso.SecretSize)
	}
	if u := c.Parameters.RemoteLoginURL; u != "" {
		if err := checkHTTPURL(u); err != nil {
			p.addf(path+".remoteLoginUrl", "%v", err)
		}
	}
	return p
}

// checkPrivateKey resolves and parses a private_key_jwt key.
func checkPrivateKey(path, v string, secrets Secrets) []Problem {
	if probs := checkSecret(path, v, true, secrets); len(probs) > 0 {
		return probs
	}
	pem, _ := secrets.Resolve(v)
	if _, _, err := oidc.ParsePrivateKey([]byte(pem), ""); err != nil {
		return []Problem{{Path: path, Message: err.Error()}}
	}
	return nil
}

func checkSecret(path, v string, required bool, secrets Secrets) []Problem {
	if v == "" {
		if required {
			return []Problem{{Path: path, Message: "is required"}}
		}
		return nil
	}
	if _, err := secrets.Resolve(v); err != nil {
		return []Problem{{Path: path, Message: err.Error()}}
	}
	return nil
}

func checkHTTPURL(raw string) error {
	if raw == "" {
		return errors.New("is required")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return errors.New("must be an absolute http(s) URL")
	}
	return nil
}

// checkSegment accepts names that are safe as one URL path segment.
func checkSegment(s string) error {
	switch {
	case s == "":
		return errors.New("must not be empty")
	case len(s) > 128:
		return errors.New("is longer than 128 bytes")
	case s == "." || s == "..":
		return errors.New("must not be . or ..")
	}
	for _, r := range s {
		if r == '/' || r == '\\' || r == '?' || r == '#' || r == '%' || unicode.IsSpace(r) || unicode.IsControl(r) {
			return fmt.Errorf("must not contain %q", r)
		}
	}
	return nil
}
