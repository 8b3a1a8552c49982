package sso

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
)

// MaxConfigBytes bounds a configuration file.
const MaxConfigBytes = 8 << 20

// LoadFile reads the JSON configuration file at path and returns it as a
// read-only [ConnectionStore]. An empty path disables SSO: the store is
// nil and so is the error. Any problem (unreadable file, bad JSON, invalid
// value, unresolvable secret reference) is an error listing every problem
// found, so the host stops at start-up.
func LoadFile(path string, secrets Secrets) (*FileStore, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, &ConfigError{Problems: []Problem{{Path: "$", Message: err.Error()}}}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxConfigBytes+1))
	if err != nil {
		return nil, &ConfigError{Problems: []Problem{{Path: "$", Message: err.Error()}}}
	}
	tenants, err := ParseConfig(data, secrets)
	if err != nil {
		return nil, err
	}
	return NewFileStore(tenants)
}

// ParseConfig parses and validates a configuration document. Its top
// level maps each tenant slug either to a list of connections (the
// Contiamo format) or to an object {"connections": [...], "singleIAM":
// ..., "allowBreakGlass": ..., "domains": [...]}. Unknown fields are
// errors. A domain may be listed only as verified by an operator:
// {"name": "acme.example", "verification": "manual", "reason": "..."}.
func ParseConfig(data []byte, secrets Secrets) ([]Tenant, error) {
	if len(data) > MaxConfigBytes {
		return nil, &ConfigError{Problems: []Problem{{Path: "$", Message: fmt.Sprintf("larger than %d bytes", MaxConfigBytes)}}}
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, &ConfigError{Problems: []Problem{{Path: "$", Message: jsonMessage(err)}}}
	}
	slugs := make([]string, 0, len(top))
	for s := range top {
		slugs = append(slugs, s)
	}
	slices.Sort(slugs)
	var probs problems
	tenants := make([]Tenant, 0, len(slugs))
	for _, slug := range slugs {
		t, ok := decodeTenant(slug, top[slug], &probs)
		if ok {
			tenants = append(tenants, t)
		}
	}
	probs.add(validateTenants(tenants, secrets)...)
	if err := probs.err(); err != nil {
		return nil, err
	}
	return tenants, nil
}

// decodeTenant decodes one tenant value; a connection that cannot be
// decoded is reported and left out, so the others are still validated.
func decodeTenant(slug string, raw json.RawMessage, probs *problems) (Tenant, bool) {
	base := "$[" + strconv.Quote(slug) + "]"
	t := Tenant{Slug: slug}
	var list []json.RawMessage
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var obj struct {
			Connections     []json.RawMessage `json:"connections"`
			SingleIAM       bool              `json:"singleIAM"`
			AllowBreakGlass bool              `json:"allowBreakGlass"`
			Domains         []TenantDomain    `json:"domains"`
		}
		if err := strictDecode(raw, &obj); err != nil {
			probs.addf(base, "%s", jsonMessage(err))
			return t, false
		}
		t.SingleIAM, t.AllowBreakGlass, list = obj.SingleIAM, obj.AllowBreakGlass, obj.Connections
		t.Domains = obj.Domains
		base += ".connections"
	} else if err := json.Unmarshal(raw, &list); err != nil {
		probs.addf(base, "must be a list of connections or an object with \"connections\"")
		return t, false
	}
	for i, r := range list {
		var c Connection
		if err := strictDecode(r, &c); err != nil {
			probs.addf(base+"["+strconv.Itoa(i)+"]", "%s", jsonMessage(err))
			continue
		}
		t.Connections = append(t.Connections, c)
		t.paths = append(t.paths, base+"["+strconv.Itoa(i)+"]")
	}
	return t, true
}

func strictDecode(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// jsonMessage turns a decoding error into a message without input bytes
// beyond field names and offsets.
func jsonMessage(err error) string {
	switch e := err.(type) {
	case *json.SyntaxError:
		return fmt.Sprintf("invalid JSON at byte %d: %v", e.Offset, e)
	case *json.UnmarshalTypeError:
		return fmt.Sprintf("field %q: expected %v", e.Field, e.Type)
	}
	return err.Error()
}
