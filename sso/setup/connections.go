package setup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/ssokit/ssokit/jwtsso"
	"github.com/ssokit/ssokit/oidc"
	"github.com/ssokit/ssokit/sso"
)

// ConnectionInput is a connection to create or update. Version is the
// version read (0 to create). Secret parameters left empty keep the
// stored value. GenerateKeyPair makes an RSA key and self-signed
// certificate for OIDC private_key_jwt; GenerateSharedSecret makes a JWT
// SSO key. Either is returned once in [SaveResult].
type ConnectionInput struct {
	sso.Connection
	Version              int64 `json:"version"`
	GenerateKeyPair      bool  `json:"generateKeyPair,omitempty"`
	GenerateSharedSecret bool  `json:"generateSharedSecret,omitempty"`
	// SecretsSet, Values and Warnings are ignored, so that a
	// [ConnectionView] read with GET can be changed and sent back.
	SecretsSet []string  `json:"secretsSet,omitempty"`
	Values     *SPValues `json:"values,omitempty"`
	Warnings   []Warning `json:"warnings,omitempty"`
}

// ConnectionView is a stored connection as setup shows it: secret
// parameters blanked, SecretsSet naming those that hold a value.
type ConnectionView struct {
	sso.Connection
	Version    int64     `json:"version"`
	SecretsSet []string  `json:"secretsSet,omitempty"`
	Values     SPValues  `json:"values"`
	Warnings   []Warning `json:"warnings,omitempty"`
}

// SaveResult answers a save. Certificate is the generated certificate to
// upload to the IdP; SharedSecret the generated JWT SSO key, shown only
// in this answer.
type SaveResult struct {
	Connection   ConnectionView `json:"connection"`
	Certificate  string         `json:"certificate,omitempty"`
	SharedSecret string         `json:"sharedSecret,omitempty"`
}

// ReferenceError rejects a secret submitted as an env: or file:
// reference: those read the server's environment and files, which only
// the host's own configuration may do.
type ReferenceError struct{ Field string }

// Error names the field and says to paste the value itself.
func (e *ReferenceError) Error() string {
	return fmt.Sprintf("setup: %s: env: and file: references are not accepted here; paste the value", e.Field)
}

// secretFields are the parameters never shown after saving.
var secretFields = []string{"clientSecret", "privateKey", "sharedSecret"}

func secretPtrs(p *sso.Parameters) map[string]*string {
	return map[string]*string{"clientSecret": &p.ClientSecret, "privateKey": &p.PrivateKey, "sharedSecret": &p.SharedSecret}
}

// redact blanks the secrets of c and names those that were set.
func redact(c sso.Connection) (sso.Connection, []string) {
	var set []string
	c.Parameters.ClaimMapping = maps.Clone(c.Parameters.ClaimMapping)
	for _, name := range secretFields {
		p := secretPtrs(&c.Parameters)[name]
		if *p != "" {
			set = append(set, name)
			*p = ""
		}
	}
	return c, set
}

// save validates and stores one connection, returning what to show.
func (h *Handler) save(ctx context.Context, s session, in ConnectionInput) (*SaveResult, error) {
	c := in.Connection
	c.Version = in.Version
	for name, p := range secretPtrs(&c.Parameters) {
		if strings.HasPrefix(*p, "env:") || strings.HasPrefix(*p, "file:") {
			return nil, &ReferenceError{Field: "parameters." + name}
		}
	}
	if c.ID == "" {
		c.ID = string(c.Kind)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	t, err := h.cfg.Store.Tenant(ctx, s.tenant)
	if errors.Is(err, sso.ErrNotFound) {
		t, err = &sso.Tenant{Slug: s.tenant}, nil
	}
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(t.Connections, func(x sso.Connection) bool { return x.ID == c.ID })
	var old sso.Connection
	if i >= 0 {
		old = t.Connections[i]
		for name, p := range secretPtrs(&c.Parameters) {
			if *p == "" {
				*p = *secretPtrs(&old.Parameters)[name]
			}
		}
	}
	res := &SaveResult{}
	if in.GenerateKeyPair {
		k, err := oidc.GenerateKey(oidc.KeyRequest{CommonName: "ssokit " + s.tenant, Now: h.cfg.Now, Rand: h.cfg.Rand})
		if err != nil {
			return nil, err
		}
		c.Parameters.PrivateKey = string(k.KeyPEM)
		c.Parameters.AuthMethod = "private_key_jwt"
		res.Certificate = string(k.CertificatePEM)
	}
	if in.GenerateSharedSecret {
		k, err := jwtsso.GenerateKey(h.cfg.Rand)
		if err != nil {
			return nil, err
		}
		c.Parameters.SharedSecret = k
		res.SharedSecret = k
	}
	next := *t
	next.Connections = slices.Clone(t.Connections)
	if i >= 0 {
		next.Connections[i] = c
	} else {
		next.Connections = append(next.Connections, c)
	}
	if err := sso.Validate([]sso.Tenant{next}, h.cfg.Secrets); err != nil {
		return nil, err
	}
	v, err := h.cfg.Store.Put(ctx, s.tenant, c)
	if err != nil {
		return nil, err
	}
	c.Version = v
	if stored, err := h.cfg.Store.Connection(ctx, s.tenant, c.ID); err == nil {
		c = *stored // as the store normalised it
	}
	action := "connection.create"
	if i >= 0 {
		action = "connection.update"
	}
	h.audit(ctx, s, action, c.ID, changedFields(old, c))
	res.Connection = h.view(ctx, s.tenant, c)
	return res, nil
}

func (h *Handler) audit(ctx context.Context, s session, action, conn string, fields []string) {
	_ = h.cfg.Audit.Record(ctx, AuditEvent{Time: h.cfg.Now().UTC(), Tenant: s.tenant, Actor: s.actor,
		Action: action, Connection: conn, Fields: fields})
}

// changedFields names the JSON fields (parameters.x for parameters) that
// differ between a and b.
func changedFields(a, b sso.Connection) []string {
	flat := func(c sso.Connection) map[string]string {
		m := map[string]any{}
		raw, _ := json.Marshal(c)
		_ = json.Unmarshal(raw, &m)
		out := map[string]string{}
		for k, v := range m {
			if sub, ok := v.(map[string]any); ok && k == "parameters" {
				for pk, pv := range sub {
					j, _ := json.Marshal(pv)
					out["parameters."+pk] = string(j)
				}
				continue
			}
			j, _ := json.Marshal(v)
			out[k] = string(j)
		}
		return out
	}
	fa, fb := flat(a), flat(b)
	var diff []string
	for k := range fa {
		if fa[k] != fb[k] {
			diff = append(diff, k)
		}
	}
	for k := range fb {
		if _, ok := fa[k]; !ok {
			diff = append(diff, k)
		}
	}
	sort.Strings(diff)
	return diff
}

// view redacts c and adds the values to copy and the warnings.
func (h *Handler) view(ctx context.Context, tenant string, c sso.Connection) ConnectionView {
	r, set := redact(c)
	return ConnectionView{Connection: r, Version: c.Version, SecretsSet: set,
		Values: h.values(tenant, c.ID), Warnings: append(h.warnings(ctx, c), h.domainWarnings(ctx, tenant, c)...)}
}

// list returns the tenant's connections, an unknown tenant having none.
func (h *Handler) list(ctx context.Context, tenant string) ([]sso.Connection, error) {
	t, err := h.cfg.Store.Tenant(ctx, tenant)
	if errors.Is(err, sso.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return t.Connections, nil
}

// remove deletes a connection when the store can.
func (h *Handler) remove(ctx context.Context, s session, id string, version int64) error {
	if _, err := h.cfg.Store.Connection(ctx, s.tenant, id); err != nil {
		return err
	}
	d, ok := h.cfg.Store.(Deleter)
	if !ok {
		return errNoDelete
	}
	if err := d.DeleteConnection(ctx, s.tenant, id, version); err != nil {
		return err
	}
	h.audit(ctx, s, "connection.delete", id, nil)
	return nil
}

var errNoDelete = errors.New("setup: this store cannot delete connections; disable the connection instead")
