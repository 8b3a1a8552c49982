// Prints {"metadata": <IdP metadata XML>, "response": <base64 SAMLResponse>}
// for saml/interop_node_test.go: samlify 2.13 reads our SP metadata, fills
// its login response template (with an AuthnStatement and multi-valued
// attributes, which the default template lacks) and signs it with
// xml-crypto.
//
// usage: node samlify-response.js KEY.pem CERT.pem SP-METADATA.xml IN-RESPONSE-TO SIGN-MESSAGE(true|false)
const fs = require('fs');
const crypto = require('crypto');
const saml = require('samlify');

saml.setSchemaValidator({ validate: () => Promise.resolve('not parsing') });
const [keyPath, certPath, spMetadataPath, inResponseTo, signMessage] = process.argv.slice(2);

const idp = saml.IdentityProvider({
  entityID: 'urn:ssokit:interop:samlify',
  privateKey: fs.readFileSync(keyPath),
  signingCert: fs.readFileSync(certPath),
  nameIDFormat: ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
  singleSignOnService: [{ Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', Location: 'https://samlify.example/sso' }],
});
const sp = saml.ServiceProvider({ metadata: fs.readFileSync(spMetadataPath), wantMessageSigned: signMessage === 'true' });

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const attribute = (name, values) =>
  `<saml:Attribute Name="${esc(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">` +
  values.map((v) => `<saml:AttributeValue xsi:type="xs:string">${esc(v)}</saml:AttributeValue>`).join('') +
  '</saml:Attribute>';

const now = new Date();
const later = new Date(now.getTime() + 5 * 60 * 1000);
const id = () => '_' + crypto.randomBytes(16).toString('hex');
const values = {
  ID: id(), AssertionID: id(), IssueInstant: now.toISOString(),
  Destination: sp.entityMeta.getAssertionConsumerService('post'),
  SubjectRecipient: sp.entityMeta.getAssertionConsumerService('post'),
  Audience: sp.entityMeta.getEntityID(), Issuer: idp.entityMeta.getEntityID(),
  StatusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
  ConditionsNotBefore: now.toISOString(), ConditionsNotOnOrAfter: later.toISOString(),
  SubjectConfirmationDataNotOnOrAfter: later.toISOString(),
  NameIDFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress', NameID: 'kim@customer.example',
  InResponseTo: inResponseTo,
};
// replaceTagsByValue XML-escapes every value, so the two statements (which
// are markup) are put in place first.
const statements = {
  AuthnStatement: `<saml:AuthnStatement AuthnInstant="${now.toISOString()}" SessionIndex="${id()}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`,
  AttributeStatement: '<saml:AttributeStatement>' +
    attribute('space_name', ['Trial', 'DevOps']) +
    attribute('space_role', ['Space Member', 'Space Developer']) +
    attribute('groups', ['6f1c0001-8d2a-4b7e-9c11-000000000001', '6f1c0002-8d2a-4b7e-9c11-000000000002']) +
    '</saml:AttributeStatement>',
};

idp.createLoginResponse(sp, { extract: { request: { id: inResponseTo } } }, 'post', { email: values.NameID }, {
  customTagReplacement: (template) => ({
    id: values.ID,
    context: saml.SamlLib.replaceTagsByValue(
      template.replace('{AuthnStatement}', statements.AuthnStatement).replace('{AttributeStatement}', statements.AttributeStatement),
      values),
  }),
}).then((r) => {
  process.stdout.write(JSON.stringify({ metadata: idp.getMetadata(), response: r.context }));
}).catch((err) => { console.error(err); process.exit(1); });
