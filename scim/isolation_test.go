package scim

import (
	"context"
	"errors"
	"net/http"
	"testing"
)

// TestTenantIsolation proves that one tenant's token never reaches another
// tenant's resources, whatever id it names.
func TestTenantIsolation(t *testing.T) {
	e := newEnv(t)
	acme, globex := acmeToken, globexToken
	uid := testID(1)
	gid := testID(2)
	e.expectStatus("acme creates a user", e.do(http.MethodPost, "/Users", acme,
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"shared@example.com"}`), http.StatusCreated)
	e.expectStatus("acme creates a group", e.do(http.MethodPost, "/Groups", acme,
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Admins","members":[{"value":"`+uid+`"}]}`), http.StatusCreated)

	notFound := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"404","detail":"resource not found"}`
	patch := ops(`{"op":"replace","path":"active","value":false}`)
	cases := []struct{ name, method, path, body string }{
		{"read another tenant's user", http.MethodGet, "/Users/" + uid, ""},
		{"replace another tenant's user", http.MethodPut, "/Users/" + uid, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"taken@globex.com"}`},
		{"patch another tenant's user", http.MethodPatch, "/Users/" + uid, patch},
		{"delete another tenant's user", http.MethodDelete, "/Users/" + uid, ""},
		{"read another tenant's group", http.MethodGet, "/Groups/" + gid, ""},
		{"patch another tenant's group", http.MethodPatch, "/Groups/" + gid, ops(`{"op":"remove","path":"members"}`)},
		{"delete another tenant's group", http.MethodDelete, "/Groups/" + gid, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.expect(c.name, e.do(c.method, c.path, globex, c.body), http.StatusNotFound, notFound)
		})
	}
	e.expect("list shows nothing of acme", e.do(http.MethodGet, "/Users"+q(`userName eq "shared@example.com"`, ""), globex, ""),
		http.StatusOK, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}`)
	e.expect("group list shows nothing of acme", e.do(http.MethodGet, "/Groups", globex, ""),
		http.StatusOK, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}`)
	e.expect("a group cannot take another tenant's user as member", e.do(http.MethodPost, "/Groups", globex,
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Spies","members":[{"value":"`+uid+`"}]}`),
		http.StatusBadRequest, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","scimType":"invalidValue","detail":"member \"`+uid+`\" does not exist"}`)
	e.expectStatus("globex group", e.do(http.MethodPost, "/Groups", globex, `{"displayName":"Own"}`), http.StatusCreated)
	ownGroup := testID(3) // the refused group never got an id
	for name, op := range map[string]string{
		"PATCH add of a foreign member":       `{"op":"add","path":"members","value":[{"value":"` + uid + `"}]}`,
		"PATCH replace with foreign member":   `{"op":"replace","path":"members","value":[{"value":"` + uid + `"}]}`,
		"path-less PATCH with foreign member": `{"op":"add","value":{"members":[{"value":"` + uid + `"}]}}`,
	} {
		e.expect(name, e.do(http.MethodPatch, "/Groups/"+ownGroup, globex, ops(op)), http.StatusBadRequest,
			`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","scimType":"invalidValue","detail":"member \"`+uid+`\" does not exist"}`)
	}
	e.expect("PUT with a foreign member", e.do(http.MethodPut, "/Groups/"+ownGroup, globex, `{"displayName":"Own","members":[{"value":"`+uid+`"}]}`),
		http.StatusBadRequest, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","scimType":"invalidValue","detail":"member \"`+uid+`\" does not exist"}`)
	e.expectStatus("userName is unique per tenant only", e.do(http.MethodPost, "/Users", globex,
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"shared@example.com"}`), http.StatusCreated)

	u, err := e.store.Get(context.Background(), "acme", UserType, uid)
	if err != nil || !u.Active() || u.Version != 1 {
		t.Fatalf("acme's user was changed: %+v %v", u, err)
	}
	g, err := e.store.Get(context.Background(), "acme", GroupType, gid)
	if err != nil || len(g.MemberIDs()) != 1 {
		t.Fatalf("acme's group was changed: %+v %v", g, err)
	}
	if _, err := e.store.Get(context.Background(), "globex", UserType, uid); !errors.Is(err, ErrNotFound) {
		t.Fatalf("globex sees acme's user in the store: %v", err)
	}
}

func TestMemoryStoreTenantsDoNotShareIDs(t *testing.T) {
	ctx := context.Background()
	s := NewMemoryStore()
	r := &Resource{Type: UserType, ID: "same", Attrs: map[string]any{"userName": "a"}}
	if err := s.Create(ctx, "t1", r); err != nil {
		t.Fatal(err)
	}
	if err := s.Create(ctx, "t2", r); err != nil {
		t.Fatalf("same id in another tenant refused: %v", err)
	}
	if err := s.Delete(ctx, "t1", UserType, "same"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "t2", UserType, "same"); err != nil {
		t.Fatalf("deleting in t1 removed t2's resource: %v", err)
	}
	if err := s.Replace(ctx, "t1", r, 1); !errors.Is(err, ErrNotFound) {
		t.Fatalf("replace of a deleted resource: %v", err)
	}
}
