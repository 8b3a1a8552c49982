package setup

// guide is the step-by-step setup of one identity provider.
type guide struct {
	Key, Title, Kind string
	Steps            []string
}

// guides lists the identity providers the page offers. Steps name the
// values shown next to them ("ACS URL", "Entity ID", "Redirect URI").
var guides = []guide{
	{Key: "okta", Title: "Okta (SAML)", Kind: "saml", Steps: []string{
		"In the Okta Admin Console open Applications, Create App Integration, SAML 2.0.",
		"Paste the ACS URL below as Single sign-on URL and the Entity ID as Audience URI (SP Entity ID).",
		"Add attribute statements email, firstName, lastName; add a group attribute statement named groups.",
		"Finish, open Sign On, copy the Metadata URL and paste it below.",
	}},
	{Key: "entra", Title: "Microsoft Entra ID (OpenID Connect)", Kind: "azure", Steps: []string{
		"In Entra ID open App registrations, New registration; add the Redirect URI below as a Web platform redirect URI.",
		"Copy the Application (client) ID and the Directory (tenant) ID below.",
		"Under Certificates & secrets create a client secret and paste it below, or tick Generate key pair and upload the certificate shown after saving.",
		"Under Token configuration add the groups claim.",
	}},
	{Key: "google", Title: "Google Workspace (OpenID Connect)", Kind: "google", Steps: []string{
		"In Google Cloud console open APIs & Services, Credentials, Create OAuth client ID (Web application).",
		"Add the Redirect URI below as an authorised redirect URI.",
		"Paste the client ID and client secret below; set your Workspace domain as Hosted domain.",
	}},
	{Key: "saml", Title: "Other SAML 2.0 identity provider", Kind: "saml", Steps: []string{
		"Create a SAML application in your identity provider; give it the ACS URL and Entity ID below, or upload the SP metadata.",
		"Send the email address as NameID or as an email attribute.",
		"Paste the IdP metadata URL or XML below, or its issuer, single sign-on URL and signing certificate.",
	}},
	{Key: "oidc", Title: "Other OpenID Connect provider", Kind: "oidc", Steps: []string{
		"Register a web client with the Redirect URI below.",
		"Paste the issuer (discovery endpoint), client ID and client secret below, or tick Generate key pair for private_key_jwt.",
	}},
	{Key: "jwt", Title: "Partner-signed JWT", Kind: "jwt", Steps: []string{
		"Save with Generate SSO key ticked: the key is shown once; give it to the partner's administrator.",
		"The partner signs HS256 tokens with it and sends users to the JWT login URL below.",
		"While writing the login script, paste a token it produced into Check a token on the connection: it says whether the token would be accepted and why (the token is not used up).",
	}},
}
