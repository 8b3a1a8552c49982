package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ssokit/ssokit/sso"
)

// isPublicParameter reports whether a parameter (by JSON name) is stored
// in the clear in the body column. Every other parameter, including any
// field sso.Parameters gains later (a SAML SP private key, say), is
// sealed: secure by default. The secrets today are clientSecret,
// privateKey and sharedSecret.
func isPublicParameter(name string) bool {
	switch name {
	case "clientId", "discoveryEndpoint", "scopes", "customScopes", "claimMapping", "authMethod",
		"offlineAccess", "fetchUserInfo", "tenantId", "hostedDomain", "metadataUrl", "metadataXml",
		"idpIssuer", "ssoUrl", "certificate", "remoteLoginUrl":
		return true
	}
	return false
}

// isPublicField is isPublicParameter for the top level of a connection.
func isPublicField(name string) bool {
	switch name {
	case "id", "name", "kind", "mode", "disabled", "emailPattern", "domains", "parameters", "mapping",
		"testExpressions", "provisioning", "groupSync":
		return true
	}
	return false
}

// sealedDoc is the plaintext of ssokit_connections.secrets: the
// connection's fields that are not public, by JSON name.
type sealedDoc struct {
	Parameters map[string]json.RawMessage `json:"parameters,omitempty"`
	Connection map[string]json.RawMessage `json:"connection,omitempty"`
}

// connAAD binds a connection's sealed secrets to its tenant and id, so a
// ciphertext copied to another row does not open.
func connAAD(tenant, id string) []byte {
	return []byte("ssokit/sqlstore/connection\x00" + tenant + "\x00" + id)
}

// splitJSON splits a connection's JSON into the public body and the
// document to seal.
func splitJSON(raw []byte) (body, secret []byte, err error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, nil, err
	}
	var params map[string]json.RawMessage
	if p, ok := top["parameters"]; ok {
		if err := json.Unmarshal(p, &params); err != nil {
			return nil, nil, err
		}
	}
	var doc sealedDoc
	for k, v := range params {
		if !isPublicParameter(k) {
			doc.Parameters = setRaw(doc.Parameters, k, v)
			delete(params, k)
		}
	}
	if params != nil {
		if top["parameters"], err = json.Marshal(params); err != nil {
			return nil, nil, err
		}
	}
	for k, v := range top {
		if !isPublicField(k) {
			doc.Connection = setRaw(doc.Connection, k, v)
			delete(top, k)
		}
	}
	if body, err = json.Marshal(top); err != nil {
		return nil, nil, err
	}
	secret, err = json.Marshal(doc)
	return body, secret, err
}

func setRaw(m map[string]json.RawMessage, k string, v json.RawMessage) map[string]json.RawMessage {
	if m == nil {
		m = map[string]json.RawMessage{}
	}
	m[k] = v
	return m
}

// encodeConnection splits c into its JSON body (no secret) and the sealed
// rest.
func (s *Store) encodeConnection(tenant string, c sso.Connection) (body, sealed string, err error) {
	raw, err := json.Marshal(c)
	if err != nil {
		return "", "", fmt.Errorf("sqlstore: encode connection: %w", err)
	}
	b, plain, err := splitJSON(raw)
	if err != nil {
		return "", "", fmt.Errorf("sqlstore: encode connection: %w", err)
	}
	sealed, err = s.keys.seal(s.rand, plain, connAAD(tenant, c.ID))
	return string(b), sealed, err
}

// decodeConnection is the inverse of encodeConnection: the body, then
// the sealed fields decoded over it.
func (s *Store) decodeConnection(tenant, body, sealed string) (*sso.Connection, error) {
	var c sso.Connection
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		return nil, fmt.Errorf("sqlstore: decode connection of tenant %q: %w", tenant, err)
	}
	plain, _, err := s.keys.open(sealed, connAAD(tenant, c.ID))
	if err != nil {
		return nil, fmt.Errorf("sqlstore: secrets of connection %q of tenant %q: %w", c.ID, tenant, err)
	}
	var doc struct{ Parameters, Connection json.RawMessage }
	if err := json.Unmarshal(plain, &doc); err != nil {
		return nil, fmt.Errorf("sqlstore: decode secrets of connection %q: %w", c.ID, err)
	}
	if len(doc.Connection) > 0 {
		if err := json.Unmarshal(doc.Connection, &c); err != nil {
			return nil, fmt.Errorf("sqlstore: decode secrets of connection %q: %w", c.ID, err)
		}
	}
	if len(doc.Parameters) > 0 {
		if err := json.Unmarshal(doc.Parameters, &c.Parameters); err != nil {
			return nil, fmt.Errorf("sqlstore: decode secrets of connection %q: %w", c.ID, err)
		}
	}
	return &c, nil
}

// RotateReport counts the rows Rotate looked at.
type RotateReport struct {
	// Resealed rows were sealed under another key and now are under the
	// current one; Current rows were already.
	Resealed, Current int
}

// Rotate re-encrypts every connection's secrets under the key ring's
// current key. A row sealed under a key the ring lacks stops it with an
// error wrapping ErrUnknownKey (the report counts the rows done so far). Rows already under it are left alone, so Rotate can be
// re-run after an interruption. Each row is swapped only if its sealed
// value is unchanged (compare-and-swap), so a concurrent save is never
// overwritten; the version does not change (the secrets did not). After
// Rotate, the old keys can be removed from the ring.
func (s *Store) Rotate(ctx context.Context) (RotateReport, error) {
	var rep RotateReport
	type row struct{ tenant, id, sealed string }
	rows, err := s.db.QueryContext(ctx, "SELECT tenant, id, secrets, key_id FROM ssokit_connections ORDER BY tenant, id")
	if err != nil {
		return rep, fmt.Errorf("sqlstore: rotate: %w", err)
	}
	var todo []row
	for rows.Next() {
		var r row
		var keyID string
		if err := rows.Scan(&r.tenant, &r.id, &r.sealed, &keyID); err != nil {
			rows.Close()
			return rep, fmt.Errorf("sqlstore: rotate: %w", err)
		}
		if keyID == s.keys.CurrentID() {
			rep.Current++
			continue
		}
		todo = append(todo, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rep, fmt.Errorf("sqlstore: rotate: %w", err)
	}
	for _, r := range todo {
		if err := s.reseal(ctx, r.tenant, r.id, r.sealed); err != nil {
			return rep, err
		}
		rep.Resealed++
	}
	return rep, nil
}

// reseal re-encrypts one row's secrets under the current key.
func (s *Store) reseal(ctx context.Context, tenant, id, old string) error {
	aad := connAAD(tenant, id)
	plain, _, err := s.keys.open(old, aad)
	if err != nil {
		return fmt.Errorf("sqlstore: rotate connection %q of tenant %q: %w", id, tenant, err)
	}
	sealed, err := s.keys.seal(s.rand, plain, aad)
	if err != nil {
		return err
	}
	// No row matching is fine: a concurrent Put sealed it under the
	// current key already, or the connection was deleted.
	_, err = s.db.ExecContext(ctx, s.q("UPDATE ssokit_connections SET secrets = ?, key_id = ? WHERE tenant = ? AND id = ? AND secrets = ?"),
		sealed, s.keys.CurrentID(), tenant, id, old)
	return wrapWrite(err)
}
