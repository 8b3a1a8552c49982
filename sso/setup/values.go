package setup

import (
	"context"
	"crypto/x509"
	"fmt"
	"net/url"
	"time"

	"github.com/ssokit/ssokit/sso"
)

// SPValues are the values an admin copies into the identity provider.
type SPValues struct {
	ACSURL      string `json:"acsUrl"`
	EntityID    string `json:"entityId"`
	MetadataURL string `json:"metadataUrl"`
	RedirectURI string `json:"redirectUri,omitempty"`
	LoginURL    string `json:"loginUrl"`
	JWTLoginURL string `json:"jwtLoginUrl"`
}

// values derives the SP values from the sso handler's routes.
func (h *Handler) values(tenant, connection string) SPValues {
	t := h.ssoBase + "/" + url.PathEscape(tenant)
	v := SPValues{ACSURL: t + "/saml/acs", EntityID: t + "/saml/metadata", MetadataURL: t + "/saml/metadata",
		LoginURL: t + "/login", JWTLoginURL: t + "/jwt"}
	if connection != "" {
		v.RedirectURI = t + "/oidc/callback/" + url.PathEscape(connection)
	}
	return v
}

// Warning is a problem that does not block saving, at a field's path.
type Warning struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// CertificateWarningWindow is how close to expiry an IdP certificate
// gets a warning.
const CertificateWarningWindow = 30 * 24 * time.Hour

// warnings lists SAML IdP certificates expiring within 30 days (or
// already expired) and metadata that cannot be read.
func (h *Handler) warnings(ctx context.Context, c sso.Connection) []Warning {
	if c.Kind != sso.KindSAML {
		return nil
	}
	field := "parameters.certificate"
	switch {
	case c.Parameters.MetadataXML != "":
		field = "parameters.metadataXml"
	case c.Parameters.MetadataURL != "":
		field = "parameters.metadataUrl"
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
	}
	idp, err := sso.SAMLIdP(ctx, &c, h.cfg.HTTPClient)
	if err != nil {
		return []Warning{{Field: field, Message: "cannot read the identity provider's settings: " + err.Error()}}
	}
	return certWarnings(field, idp.Certificates, h.cfg.Now())
}

func certWarnings(field string, certs []*x509.Certificate, now time.Time) []Warning {
	var out []Warning
	for _, cert := range certs {
		switch {
		case !now.Before(cert.NotAfter):
			out = append(out, Warning{Field: field, Message: fmt.Sprintf("the signing certificate %q expired on %s",
				cert.Subject.CommonName, cert.NotAfter.UTC().Format(time.DateOnly))})
		case cert.NotAfter.Sub(now) <= CertificateWarningWindow:
			out = append(out, Warning{Field: field, Message: fmt.Sprintf("the signing certificate %q expires on %s (in %d days): add the new certificate now",
				cert.Subject.CommonName, cert.NotAfter.UTC().Format(time.DateOnly), int(cert.NotAfter.Sub(now).Hours()/24))})
		}
	}
	return out
}
