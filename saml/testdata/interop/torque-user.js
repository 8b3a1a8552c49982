// User and attribute metadata for the npm saml-idp peer used by
// saml/interop_node_test.go: a Torque user in two spaces with Entra-style
// group object IDs (multi-valued attributes are comma-separated here).
module.exports = {
  user: {
    userName: 'lin@customer.example',
    nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    email: 'lin@customer.example',
    space_name: 'Trial,DevOps',
    space_role: 'Space Member,Space Developer',
    timezone: 'Asia/Tokyo',
    groups: '6f1c0001-8d2a-4b7e-9c11-000000000001,6f1c0002-8d2a-4b7e-9c11-000000000002,6f1c0003-8d2a-4b7e-9c11-000000000003'
  },
  metadata: [
    { id: 'email', optional: false, displayName: 'E-Mail Address', description: 'e-mail', multiValue: false },
    { id: 'space_name', optional: false, displayName: 'Spaces', description: 'Torque spaces', multiValue: true },
    { id: 'space_role', optional: false, displayName: 'Roles', description: 'Torque space roles', multiValue: true },
    { id: 'timezone', optional: true, displayName: 'Time zone', description: 'IANA time zone', multiValue: false },
    { id: 'groups', optional: true, displayName: 'Groups', description: 'group object IDs', multiValue: true }
  ]
};
