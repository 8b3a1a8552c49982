package main

import (
	"context"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/ssokit/ssokit/sso"
)

// demoPassword is the password of every demo account that has one.
const demoPassword = "demo"

// accounts is the demo's user database: ssokit's in-memory UserStore
// plus password hashes for the accounts that may sign in with a password.
type accounts struct {
	*sso.MemoryUsers
	salt      []byte
	passwords map[string][]byte // tenant + "/" + email -> PBKDF2 hash
}

// seedUsers are the accounts that exist before anyone signs in. Managers
// are privileged: ssokit lets them use their password even where SSO is
// required. erin exists so that initech's partner login (which never
// creates users) has someone to sign in.
var seedUsers = []struct {
	user     sso.User
	password bool
}{
	{sso.User{ID: "u-mia", Tenant: "acme", Email: "mia@acme.example", Name: "Mia Manager", Privileged: true}, true},
	{sso.User{ID: "u-gus", Tenant: "globex", Email: "gus@globex.example", Name: "Gus Manager", Privileged: true}, true},
	{sso.User{ID: "u-dan", Tenant: "globex", Email: "dan@globex.example", Name: "Dan Employee"}, true},
	{sso.User{ID: "u-erin", Tenant: "initech", Email: "erin@initech.example", Name: "Erin Engineer"}, false},
}

func newAccounts() (*accounts, error) {
	a := &accounts{salt: make([]byte, 16), passwords: map[string][]byte{}}
	if _, err := rand.Read(a.salt); err != nil {
		return nil, err
	}
	var users []sso.User
	for _, s := range seedUsers {
		users = append(users, s.user)
		if s.password {
			h, err := a.hash(demoPassword)
			if err != nil {
				return nil, err
			}
			a.passwords[s.user.Tenant+"/"+s.user.Email] = h
		}
	}
	a.MemoryUsers = sso.NewMemoryUsers(users...)
	return a, nil
}

// hash derives the stored form of a password. A real application uses a
// per-user salt and a memory-hard function such as argon2id.
func (a *accounts) hash(password string) ([]byte, error) {
	return pbkdf2.Key(sha256.New, password, a.salt, 100_000, 32)
}

var errBadPassword = errors.New("wrong email or password")

// checkPassword returns the tenant's user with this email and password.
func (a *accounts) checkPassword(ctx context.Context, tenant, email, password string) (*sso.User, error) {
	want, ok := a.passwords[tenant+"/"+email]
	got, err := a.hash(password)
	if err != nil || !ok || !hmac.Equal(got, want) {
		return nil, errBadPassword
	}
	u, err := a.FindByEmail(ctx, tenant, email)
	if err != nil || u == nil {
		return nil, fmt.Errorf("%w: %v", errBadPassword, err)
	}
	return u, nil
}
