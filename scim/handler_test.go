package scim

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// errorJSON is the expected body of a SCIM error.
func errorJSON(status int, scimType, detail string) string {
	t := ""
	if scimType != "" {
		t = `"scimType":"` + scimType + `",`
	}
	return fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"%d",%s"detail":%q}`, status, t, detail)
}

const userBody = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u@example.com"}`

func TestRequestErrors(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxBodyBytes = 512; c.MaxPageSize = 5; c.DefaultPageSize = 2 })
	a := acmeToken
	e.expectStatus("seed", e.do(http.MethodPost, "/Users", a, userBody), http.StatusCreated)
	uid := testID(1)
	cases := []struct {
		name, method, path, body string
		headers                  []string
		status                   int
		want                     string
	}{
		{"oversized body", http.MethodPost, "/Users", `{"userName":"` + strings.Repeat("x", 600) + `"}`, nil,
			http.StatusRequestEntityTooLarge, errorJSON(413, "", "body exceeds 512 bytes")},
		{"body that is not JSON", http.MethodPost, "/Users", `{"userName":`, nil,
			http.StatusBadRequest, errorJSON(400, "invalidSyntax", "body must be a JSON object")},
		{"JSON array body", http.MethodPost, "/Users", `[]`, nil,
			http.StatusBadRequest, errorJSON(400, "invalidSyntax", "body must be a JSON object")},
		{"form content type", http.MethodPost, "/Users", userBody, []string{"Content-Type", "application/x-www-form-urlencoded"},
			http.StatusUnsupportedMediaType, errorJSON(415, "", "content type must be application/scim+json")},
		{"missing userName", http.MethodPost, "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"name":{"givenName":"x"}}`, nil,
			http.StatusBadRequest, errorJSON(400, "invalidValue", "userName is required")},
		{"userName of the wrong type", http.MethodPost, "/Users", `{"userName":{"a":1}}`, nil,
			http.StatusBadRequest, errorJSON(400, "invalidValue", "userName must be a string")},
		{"userName differing only in case is taken", http.MethodPost, "/Users", `{"userName":"U@EXAMPLE.COM"}`, nil,
			http.StatusConflict, errorJSON(409, "uniqueness", "userName is already in use")},
		{"group without displayName", http.MethodPost, "/Groups", `{"members":[]}`, nil,
			http.StatusBadRequest, errorJSON(400, "invalidValue", "displayName is required")},
		{"member without value", http.MethodPost, "/Groups", `{"displayName":"g","members":[{"display":"x"}]}`, nil,
			http.StatusBadRequest, errorJSON(400, "invalidValue", "every member needs a value")},
		{"invalid filter", http.MethodGet, "/Users" + q(`userName eq`, ""), "", nil,
			http.StatusBadRequest, errorJSON(400, "invalidFilter", "scim: invalid filter: expected a string, number, true, false or null at offset 11")},
		{"filter on an unknown attribute", http.MethodGet, "/Users" + q(`shoeSize gt 3`, ""), "", nil,
			http.StatusBadRequest, errorJSON(400, "invalidFilter", `unknown attribute "shoeSize"`)},
		{"count that is not a number", http.MethodGet, "/Users?count=ten", "", nil,
			http.StatusBadRequest, errorJSON(400, "invalidValue", "count must be an integer")},
		{"sortBy unknown attribute", http.MethodGet, "/Users?sortBy=shoeSize", "", nil,
			http.StatusBadRequest, errorJSON(400, "invalidValue", `sortBy: unknown attribute "shoeSize"`)},
		{"stale If-Match", http.MethodPatch, "/Users/" + uid, ops(`{"op":"replace","path":"title","value":"x"}`), []string{"If-Match", `W/"9"`},
			http.StatusPreconditionFailed, errorJSON(412, "", "resource version does not match If-Match")},
		{"stale If-Match on delete", http.MethodDelete, "/Users/" + uid, "", []string{"If-Match", `W/"9"`},
			http.StatusPreconditionFailed, errorJSON(412, "", "resource version does not match If-Match")},
		{"unknown endpoint", http.MethodGet, "/Bulk", "", nil, http.StatusNotFound, errorJSON(404, "", "no such endpoint")},
		{"method not allowed", http.MethodDelete, "/Users", "", nil,
			http.StatusMethodNotAllowed, errorJSON(405, "", "method DELETE not allowed here")},
		{"nested path", http.MethodGet, "/Users/" + uid + "/x", "", nil,
			http.StatusMethodNotAllowed, errorJSON(405, "", "method GET not allowed here")},
		{"PATCH body over the limit", http.MethodPatch, "/Users/" + uid, ops(strings.Repeat(`{"op":"remove","path":"title"},`, 1000) + `{"op":"remove","path":"title"}`), nil,
			http.StatusRequestEntityTooLarge, errorJSON(413, "", "body exceeds 512 bytes")},
		{"PATCH to a read-only attribute", http.MethodPatch, "/Users/" + uid, ops(`{"op":"replace","path":"id","value":"x"}`), nil,
			http.StatusBadRequest, errorJSON(400, "mutability", "id is read-only")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.expect(c.name, e.do(c.method, c.path, a, c.body, c.headers...), c.status, c.want)
		})
	}
}

func TestPatchOperationLimit(t *testing.T) {
	e := newEnv(t)
	e.expectStatus("seed", e.do(http.MethodPost, "/Users", acmeToken, userBody), http.StatusCreated)
	body := ops(strings.Repeat(`{"op":"remove","path":"title"},`, MaxPatchOperations) + `{"op":"remove","path":"title"}`)
	e.expect("too many operations", e.do(http.MethodPatch, "/Users/"+testID(1), acmeToken, body), http.StatusBadRequest,
		errorJSON(400, "invalidSyntax", "Operations must hold 1 to 1000 operations"))
}

func TestConditionalRequests(t *testing.T) {
	e := newEnv(t)
	a := acmeToken
	e.expectStatus("create", e.do(http.MethodPost, "/Users", a, userBody), http.StatusCreated, "ETag", `W/"1"`)
	uid := testID(1)
	e.expectStatus("not modified", e.do(http.MethodGet, "/Users/"+uid, a, "", "If-None-Match", `W/"1"`), http.StatusNotModified)
	e.expectStatus("matching If-Match", e.do(http.MethodPatch, "/Users/"+uid, a, ops(`{"op":"add","path":"title","value":"CEO"}`), "If-Match", `W/"1"`),
		http.StatusOK, "ETag", `W/"2"`)
	e.expectStatus("old ETag now fails", e.do(http.MethodPut, "/Users/"+uid, a, userBody, "If-Match", `W/"1"`), http.StatusPreconditionFailed)
	e.expectStatus("changed resource is returned", e.do(http.MethodGet, "/Users/"+uid, a, "", "If-None-Match", `W/"1"`), http.StatusOK, "ETag", `W/"2"`)
}

func TestListSortAndPagination(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxPageSize = 3; c.DefaultPageSize = 2 })
	for _, n := range []string{"carol", "alice", "Dave", "bob"} {
		e.expectStatus("create "+n, e.do(http.MethodPost, "/Users", acmeToken, `{"userName":"`+n+`","name":{"givenName":"`+n+`"}}`), http.StatusCreated)
	}
	names := func(r response) string {
		var out []string
		for _, res := range field(t, r, "Resources").([]any) {
			out = append(out, res.(map[string]any)["userName"].(string))
		}
		return strings.Join(out, ",")
	}
	cases := []struct{ query, want string }{
		{"", "carol,alice"},
		{"?count=10", "carol,alice,Dave"},
		{"?startIndex=3&count=2", "Dave,bob"},
		{"?StartIndex=3&Count=1", "Dave"},
		{"?startIndex=0&count=1", "carol"},
		{"?startIndex=9", ""},
		{"?count=-1", ""},
		{"?sortBy=userName&count=3", "alice,bob,carol"},
		{"?sortBy=USERNAME&sortOrder=descending&count=3", "Dave,carol,bob"},
		{"?sortBy=name.givenName&startIndex=4", "Dave"},
		{"?filter=" + strings.ReplaceAll(`userName sw "a" or userName ew "e"`, " ", "+") + "&sortBy=userName", "alice,Dave"},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			r := e.do(http.MethodGet, "/Users"+c.query, acmeToken, "")
			if r.status != http.StatusOK {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			if got := names(r); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
	r := e.do(http.MethodGet, "/Users?startIndex=3&count=2", acmeToken, "")
	if field(t, r, "totalResults") != 4.0 || field(t, r, "startIndex") != 3.0 || field(t, r, "itemsPerPage") != 2.0 {
		t.Errorf("paging fields wrong: %s", r.body)
	}
}

func TestPasswordIsNeverStoredOrReturned(t *testing.T) {
	e := newEnv(t)
	r := e.do(http.MethodPost, "/Users", acmeToken, `{"userName":"p@example.com","password":"hunter2-secret"}`)
	e.expectStatus("create", r, http.StatusCreated)
	uid := testID(1)
	e.expectStatus("put", e.do(http.MethodPut, "/Users/"+uid, acmeToken, `{"userName":"p@example.com","password":"second-secret"}`), http.StatusOK)
	got := e.do(http.MethodGet, "/Users/"+uid, acmeToken, "")
	stored, _ := e.store.Get(context.Background(), "acme", UserType, uid)
	for _, s := range []string{r.body, got.body, fmt.Sprint(stored.Attrs)} {
		if strings.Contains(s, "secret") || strings.Contains(s, "password") {
			t.Errorf("password leaked: %s", s)
		}
	}
}

func TestDeprovisioningEvents(t *testing.T) {
	var mu sync.Mutex
	var kinds []string
	e := newEnv(t, func(c *Config) {
		c.OnChange = func(r *http.Request, ch Change) {
			mu.Lock()
			defer mu.Unlock()
			tenant, _ := TenantFromContext(r.Context())
			kinds = append(kinds, tenant+":"+ch.ResourceType+":"+string(ch.Kind))
		}
	})
	a := acmeToken
	uid := testID(1)
	e.expectStatus("create", e.do(http.MethodPost, "/Users", a, userBody), http.StatusCreated)
	e.expectStatus("rename", e.do(http.MethodPatch, "/Users/"+uid, a, ops(`{"op":"replace","path":"displayName","value":"U"}`)), http.StatusOK)
	e.expectStatus("deactivate", e.do(http.MethodPatch, "/Users/"+uid, a, ops(`{"op":"Replace","path":"active","value":"False"}`)), http.StatusOK)
	e.expectStatus("reactivate with PUT", e.do(http.MethodPut, "/Users/"+uid, a, `{"userName":"u@example.com","active":true}`), http.StatusOK)
	e.expectStatus("delete", e.do(http.MethodDelete, "/Users/"+uid, a, ""), http.StatusNoContent)
	e.expectStatus("failed write", e.do(http.MethodDelete, "/Users/"+uid, a, ""), http.StatusNotFound)
	want := "acme:User:created acme:User:updated acme:User:deactivated acme:User:reactivated acme:User:deleted"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("events\n got %s\nwant %s", got, want)
	}
}

func TestFindUserForFirstLogin(t *testing.T) {
	e := newEnv(t)
	a := acmeToken
	e.expectStatus("pending user", e.do(http.MethodPost, "/Users", a,
		`{"userName":"jdoe","emails":[{"value":"John.Doe@Acme.example","primary":true}]}`), http.StatusCreated)
	e.expectStatus("second", e.do(http.MethodPost, "/Users", a, `{"userName":"shared1","emails":[{"value":"team@acme.example"}]}`), http.StatusCreated)
	e.expectStatus("third", e.do(http.MethodPost, "/Users", a, `{"userName":"shared2","emails":[{"value":"team@acme.example"}]}`), http.StatusCreated)
	ctx := context.Background()
	for _, login := range []string{"jdoe", "JDOE", "john.doe@acme.example"} {
		u, err := FindUser(ctx, e.store, "acme", login)
		if err != nil || u.ID != testID(1) {
			t.Errorf("FindUser(%q) = %v, %v", login, u, err)
		}
	}
	if _, err := FindUser(ctx, e.store, "globex", "jdoe"); !isErr(err, ErrNotFound) {
		t.Errorf("another tenant's login matched: %v", err)
	}
	if _, err := FindUser(ctx, e.store, "acme", "team@acme.example"); !isErr(err, ErrAmbiguous) {
		t.Errorf("shared email: %v", err)
	}
	if _, err := FindUser(ctx, e.store, "acme", " "); !isErr(err, ErrNotFound) {
		t.Errorf("empty login: %v", err)
	}
}

func TestDiscoveryEndpoints(t *testing.T) {
	e := newEnv(t)
	a := acmeToken
	e.expect("service provider config", e.do(http.MethodGet, "/ServiceProviderConfig", a, ""), http.StatusOK,
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
		"patch":{"supported":true},"bulk":{"supported":false,"maxOperations":0,"maxPayloadSize":0},
		"filter":{"supported":true,"maxResults":1000},"changePassword":{"supported":false},
		"sort":{"supported":true},"etag":{"supported":true},
		"authenticationSchemes":[{"type":"oauthbearertoken","name":"OAuth Bearer Token","primary":true,
		"description":"A per-tenant bearer token, sent with or without the word Bearer."}],
		"meta":{"resourceType":"ServiceProviderConfig","location":"{{base}}/ServiceProviderConfig"}}`)
	userType := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],"id":"User","name":"User",
		"endpoint":"/Users","description":"User Account","schema":"urn:ietf:params:scim:schemas:core:2.0:User",
		"schemaExtensions":[{"schema":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","required":false}],
		"meta":{"resourceType":"ResourceType","location":"{{base}}/ResourceTypes/User"}}`
	e.expect("user resource type", e.do(http.MethodGet, "/ResourceTypes/User", a, ""), http.StatusOK, userType)
	r := e.do(http.MethodGet, "/ResourceTypes", a, "")
	if field(t, r, "totalResults") != 2.0 {
		t.Errorf("resource types: %s", r.body)
	}
	r = e.do(http.MethodGet, "/Schemas", a, "")
	if field(t, r, "totalResults") != 3.0 || !strings.Contains(r.body, `"name":"userName"`) || !strings.Contains(r.body, `"uniqueness":"server"`) {
		t.Errorf("schemas: %s", r.body)
	}
	r = e.do(http.MethodGet, "/Schemas/"+EnterpriseUserSchema, a, "")
	if r.status != http.StatusOK || field(t, r, "id") != EnterpriseUserSchema {
		t.Errorf("enterprise schema: %d %s", r.status, r.body)
	}
	e.expectStatus("unknown schema", e.do(http.MethodGet, "/Schemas/urn:x", a, ""), http.StatusNotFound)
	e.expectStatus("discovery is read-only", e.do(http.MethodPost, "/Schemas", a, "{}"), http.StatusMethodNotAllowed)
	e.expectStatus("discovery needs a token", e.do(http.MethodGet, "/ServiceProviderConfig", "", ""), http.StatusUnauthorized)
}

func TestSearchWithPost(t *testing.T) {
	e := newEnv(t)
	a := acmeToken
	for _, n := range []string{"ann", "bea", "cid"} {
		e.expectStatus("create "+n, e.do(http.MethodPost, "/Users", a, `{"userName":"`+n+`","title":"T-`+n+`"}`), http.StatusCreated)
	}
	e.expect("search", e.do(http.MethodPost, "/Users/.search", a, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
		"filter":"userName ne \"bea\"","sortBy":"userName","sortOrder":"descending","attributes":["title"],"startIndex":1,"count":5}`),
		http.StatusOK, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":2,"startIndex":1,"itemsPerPage":2,
		"Resources":[{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"`+testID(3)+`","title":"T-cid"},
		{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"`+testID(1)+`","title":"T-ann"}]}`)
	e.expect("search without its schema", e.do(http.MethodPost, "/Users/.search", a, `{"filter":"userName pr"}`),
		http.StatusBadRequest, errorJSON(400, "invalidSyntax", "schemas must contain "+SearchRequestSchema))
	e.expect("search with a bad filter", e.do(http.MethodPost, "/Groups/.search", a, `{"schemas":["`+SearchRequestSchema+`"],"filter":"displayName eq"}`),
		http.StatusBadRequest, errorJSON(400, "invalidFilter", "scim: invalid filter: expected a string, number, true, false or null at offset 14"))
	e.expectStatus(".search is POST only", e.do(http.MethodGet, "/Users/.search", a, ""), http.StatusNotFound)
}

func TestClientCannotChooseServerOwnedAttributes(t *testing.T) {
	e := newEnv(t)
	r := e.do(http.MethodPost, "/Users", acmeToken, `{"userName":"x","id":"chosen-id","meta":{"created":"1999-01-01T00:00:00Z","version":"W/\"99\""},"groups":[{"value":"admins"}]}`)
	e.expectStatus("create", r, http.StatusCreated, "ETag", `W/"1"`)
	if field(t, r, "id") != testID(1) || field(t, r, "groups") != nil {
		t.Errorf("client-chosen values kept: %s", r.body)
	}
	if meta := field(t, r, "meta").(map[string]any); meta["created"] != "2026-11-23T10:00:00Z" {
		t.Errorf("client-chosen meta kept: %v", meta)
	}
	e.expectStatus("PUT cannot move the id", e.do(http.MethodPut, "/Users/"+testID(1), acmeToken, `{"userName":"x","id":"other"}`), http.StatusOK)
	e.expectStatus("still at its id", e.do(http.MethodGet, "/Users/"+testID(1), acmeToken, ""), http.StatusOK)
}

func TestAttributeProjection(t *testing.T) {
	e := newEnv(t)
	e.expectStatus("create", e.do(http.MethodPost, "/Users", acmeToken, `{"userName":"p","title":"T",
		"name":{"givenName":"G","familyName":"F"},"emails":[{"value":"p@x.y"}],
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"D","employeeNumber":"7"}}`), http.StatusCreated)
	id := testID(1)
	schemas := `["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]`
	e.expect("attributes with sub-attributes and extensions", e.do(http.MethodGet,
		"/Users/"+id+"?attributes=NAME.givenName,emails,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department,nosuch", acmeToken, ""),
		http.StatusOK, `{"schemas":`+schemas+`,"id":"`+id+`","name":{"givenName":"G"},"emails":[{"value":"p@x.y"}],
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"D"}}`)
	r := e.do(http.MethodGet, "/Users/"+id+"?excludedAttributes=name.familyName,emails,meta,id,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", acmeToken, "")
	e.expect("excludedAttributes", r, http.StatusOK, `{"schemas":`+schemas+`,"id":"`+id+`","userName":"p","title":"T","active":true,
		"name":{"givenName":"G"},"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"D"}}`)
	e.expect("exclusion did not touch the stored user", e.do(http.MethodGet, "/Users/"+id+"?attributes=name,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", acmeToken, ""),
		http.StatusOK, `{"schemas":`+schemas+`,"id":"`+id+`","name":{"givenName":"G","familyName":"F"},
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"D","employeeNumber":"7"}}`)
}

func TestSortByTimeAndBoolean(t *testing.T) {
	e := newEnv(t)
	for i, n := range []string{"first", "second", "third"} {
		active := "true"
		if i == 1 {
			active = "false"
		}
		e.expectStatus(n, e.do(http.MethodPost, "/Users", acmeToken, `{"userName":"`+n+`","active":`+active+`}`), http.StatusCreated)
		e.advance(1e9)
	}
	e.expectStatus("untitled", e.do(http.MethodPost, "/Groups", acmeToken, `{"displayName":"g"}`), http.StatusCreated)
	order := func(query string) string {
		r := e.do(http.MethodGet, "/Users"+query, acmeToken, "")
		var out []string
		for _, res := range field(t, r, "Resources").([]any) {
			out = append(out, res.(map[string]any)["userName"].(string))
		}
		return strings.Join(out, ",")
	}
	for query, want := range map[string]string{
		"?sortBy=meta.created&sortOrder=descending": "third,second,first",
		"?sortBy=meta.lastModified":                 "first,second,third",
		"?sortBy=active":                            "second,first,third",
		"?sortBy=title&sortOrder=descending":        "first,second,third",
	} {
		if got := order(query); got != want {
			t.Errorf("%s: got %s, want %s", query, got, want)
		}
	}
}
