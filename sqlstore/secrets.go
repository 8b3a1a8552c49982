package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ssokit/ssokit/sso"
)

// connSecrets are the secret parameters of a connection, sealed together
// in the column ssokit_connections.secrets and never written to body.
type connSecrets struct {
	ClientSecret string `json:"clientSecret,omitempty"`
	PrivateKey   string `json:"privateKey,omitempty"`
	SharedSecret string `json:"sharedSecret,omitempty"`
}

// connAAD binds a connection's sealed secrets to its tenant and id, so a
// ciphertext copied to another row does not open.
func connAAD(tenant, id string) []byte {
	return []byte("ssokit/sqlstore/connection\x00" + tenant + "\x00" + id)
}

// encodeConnection splits c into its JSON body (secrets blanked) and the
// sealed secrets.
func (s *Store) encodeConnection(tenant string, c sso.Connection) (body, sealed string, err error) {
	sec := connSecrets{
		ClientSecret: c.Parameters.ClientSecret,
		PrivateKey:   c.Parameters.PrivateKey,
		SharedSecret: c.Parameters.SharedSecret,
	}
	c.Parameters.ClientSecret, c.Parameters.PrivateKey, c.Parameters.SharedSecret = "", "", ""
	b, err := json.Marshal(c)
	if err != nil {
		return "", "", fmt.Errorf("sqlstore: encode connection: %w", err)
	}
	plain, err := json.Marshal(sec)
	if err != nil {
		return "", "", fmt.Errorf("sqlstore: encode secrets: %w", err)
	}
	sealed, err = s.keys.seal(s.rand, plain, connAAD(tenant, c.ID))
	return string(b), sealed, err
}

// decodeConnection is the inverse of encodeConnection.
func (s *Store) decodeConnection(tenant, body, sealed string) (*sso.Connection, error) {
	var c sso.Connection
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		return nil, fmt.Errorf("sqlstore: decode connection of tenant %q: %w", tenant, err)
	}
	plain, _, err := s.keys.open(sealed, connAAD(tenant, c.ID))
	if err != nil {
		return nil, fmt.Errorf("sqlstore: secrets of connection %q of tenant %q: %w", c.ID, tenant, err)
	}
	var sec connSecrets
	if err := json.Unmarshal(plain, &sec); err != nil {
		return nil, fmt.Errorf("sqlstore: decode secrets of connection %q: %w", c.ID, err)
	}
	c.Parameters.ClientSecret = sec.ClientSecret
	c.Parameters.PrivateKey = sec.PrivateKey
	c.Parameters.SharedSecret = sec.SharedSecret
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
