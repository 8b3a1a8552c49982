package setup

import (
	"context"
	"crypto/rand"
	"io"

	"github.com/ssokit/ssokit/scim"
)

// MemorySCIMTokens issues tokens into a scim.TokenSet, one per tenant.
type MemorySCIMTokens struct {
	Set  *scim.TokenSet
	Rand io.Reader // nil: crypto/rand
}

// RotateSCIMToken replaces the tenant's token with a new one.
func (m *MemorySCIMTokens) RotateSCIMToken(_ context.Context, tenant string) (string, error) {
	r := m.Rand
	if r == nil {
		r = rand.Reader
	}
	tok, err := scim.NewToken(r)
	if err != nil {
		return "", err
	}
	m.Set.Revoke(tenant)
	m.Set.Add(tenant, scim.HashToken(tok))
	return tok, nil
}

// RevokeSCIMToken revokes the tenant's token.
func (m *MemorySCIMTokens) RevokeSCIMToken(_ context.Context, tenant string) error {
	m.Set.Revoke(tenant)
	return nil
}
