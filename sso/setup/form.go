package setup

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/ssokit/ssokit/sso"
)

// formConn is a connection as the HTML form holds it. Field names in the
// form are the JSON paths validation reports ("parameters.clientId").
type formConn struct {
	New                                         bool
	Version                                     int64
	ID, Name, Kind, Mode, EmailPattern          string
	Domains, Provisioning, GroupSync            string
	Disabled                                    bool
	DiscoveryEndpoint, ClientID, AuthMethod     string
	TenantID, HostedDomain                      string
	MetadataURL, MetadataXML, IdPIssuer, SSOURL string
	Certificate, RemoteLoginURL                 string
	SpaceName, SpaceRole, Groups                string
	Permissions, TestExpressions                string
	SecretsSet                                  map[string]bool
	GenerateKeyPair, GenerateSharedSecret       bool
}

func toForm(v ConnectionView) formConn {
	c := v.Connection
	p := c.Parameters
	f := formConn{Version: v.Version, ID: c.ID, Name: c.Name, Kind: string(c.Kind), Mode: string(c.Mode),
		EmailPattern: c.EmailPattern, Domains: strings.Join(c.Domains, ", "), Provisioning: string(c.Provisioning),
		GroupSync: c.GroupSync, Disabled: c.Disabled, DiscoveryEndpoint: p.DiscoveryEndpoint, ClientID: p.ClientID,
		AuthMethod: p.AuthMethod, TenantID: p.TenantID, HostedDomain: p.HostedDomain, MetadataURL: p.MetadataURL,
		MetadataXML: p.MetadataXML, IdPIssuer: p.IdPIssuer, SSOURL: p.SSOURL, Certificate: p.Certificate,
		RemoteLoginURL: p.RemoteLoginURL, SpaceName: p.ClaimMapping["spaceName"], SpaceRole: p.ClaimMapping["spaceRole"],
		Groups: p.ClaimMapping["groups"], TestExpressions: strings.Join(c.TestExpressions, "\n"), SecretsSet: map[string]bool{}}
	var lines []string
	for _, r := range c.Mapping.Permissions {
		lines = append(lines, r.Group+" = "+strings.Join(r.Permissions, ", "))
	}
	f.Permissions = strings.Join(lines, "\n")
	for _, s := range v.SecretsSet {
		f.SecretsSet[s] = true
	}
	return f
}

// fromForm reads a submitted connection form.
func fromForm(form url.Values) (ConnectionInput, formConn) {
	g := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	v, _ := strconv.ParseInt(g("version"), 10, 64)
	in := ConnectionInput{Version: v, GenerateKeyPair: g("generateKeyPair") != "", GenerateSharedSecret: g("generateSharedSecret") != ""}
	c := &in.Connection
	c.ID, c.Name, c.Kind, c.Mode = g("id"), g("name"), sso.Kind(g("kind")), sso.Mode(g("mode"))
	c.EmailPattern, c.Provisioning, c.GroupSync = g("emailPattern"), sso.Provisioning(g("provisioning")), g("groupSync")
	c.Disabled = g("disabled") != ""
	for _, d := range strings.FieldsFunc(g("domains"), func(r rune) bool { return r == ',' || r == ' ' || r == '\n' }) {
		c.Domains = append(c.Domains, d)
	}
	p := &c.Parameters
	p.DiscoveryEndpoint, p.ClientID, p.ClientSecret = g("parameters.discoveryEndpoint"), g("parameters.clientId"), g("parameters.clientSecret")
	p.AuthMethod, p.TenantID, p.HostedDomain = g("parameters.authMethod"), g("parameters.tenantId"), g("parameters.hostedDomain")
	p.MetadataURL, p.MetadataXML, p.IdPIssuer = g("parameters.metadataUrl"), g("parameters.metadataXml"), g("parameters.idpIssuer")
	p.SSOURL, p.Certificate, p.RemoteLoginURL = g("parameters.ssoUrl"), g("parameters.certificate"), g("parameters.remoteLoginUrl")
	p.SharedSecret = g("parameters.sharedSecret")
	for k, name := range map[string]string{"spaceName": "parameters.claimMapping.spaceName", "spaceRole": "parameters.claimMapping.spaceRole", "groups": "parameters.claimMapping.groups"} {
		if val := g(name); val != "" {
			if p.ClaimMapping == nil {
				p.ClaimMapping = map[string]string{}
			}
			p.ClaimMapping[k] = val
		}
	}
	for _, line := range strings.Split(g("mapping.permissions"), "\n") {
		group, perms, ok := strings.Cut(line, "=")
		if !ok || strings.TrimSpace(group) == "" {
			continue
		}
		rule := sso.PermissionRule{Group: strings.TrimSpace(group)}
		for _, pm := range strings.Split(perms, ",") {
			if pm = strings.TrimSpace(pm); pm != "" {
				rule.Permissions = append(rule.Permissions, pm)
			}
		}
		c.Mapping.Permissions = append(c.Mapping.Permissions, rule)
	}
	for _, line := range strings.Split(g("testExpressions"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			c.TestExpressions = append(c.TestExpressions, line)
		}
	}
	f := toForm(ConnectionView{Connection: in.Connection, Version: v})
	f.GenerateKeyPair, f.GenerateSharedSecret = in.GenerateKeyPair, in.GenerateSharedSecret
	f.New = g("new") != ""
	return in, f
}
