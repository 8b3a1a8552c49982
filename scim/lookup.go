package scim

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// ErrAmbiguous means a login matched more than one provisioned user.
var ErrAmbiguous = errors.New("scim: login matches several users")

// FindUser finds the provisioned User of a tenant that a first SSO login
// should attach to: the one whose userName equals login, or else the only
// one with login among its emails (both ignoring case). It returns an error
// wrapping [ErrNotFound] when none matches and [ErrAmbiguous] when several
// users share the email. Callers must still refuse inactive users
// ([Resource.Active]).
func FindUser(ctx context.Context, s Store, tenant, login string) (*Resource, error) {
	login = strings.TrimSpace(login)
	if login == "" {
		return nil, fmt.Errorf("empty login: %w", ErrNotFound)
	}
	byName := &AttrExpr{Path: AttrPath{Name: userNameAttr}, Op: OpEq, Value: login}
	page, err := s.List(ctx, tenant, UserType, Query{Filter: byName, StartIndex: 1, Count: 1})
	if err != nil {
		return nil, err
	}
	if len(page.Resources) == 1 {
		return page.Resources[0], nil
	}
	byEmail := &AttrExpr{Path: AttrPath{Name: "emails", Sub: valueSubAttr}, Op: OpEq, Value: login}
	page, err = s.List(ctx, tenant, UserType, Query{Filter: byEmail, StartIndex: 1, Count: 2})
	switch {
	case err != nil:
		return nil, err
	case page.TotalResults > 1:
		return nil, fmt.Errorf("%d users have email %q: %w", page.TotalResults, login, ErrAmbiguous)
	case page.TotalResults == 0:
		return nil, fmt.Errorf("no user %q: %w", login, ErrNotFound)
	}
	return page.Resources[0], nil
}
