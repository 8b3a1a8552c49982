package scim

import (
	"net/http"
	"net/url"
	"testing"
)

// q builds a query string the way a client encodes it.
func q(filter string, extra string) string {
	return "?filter=" + url.QueryEscape(filter) + extra
}

// TestOktaProvisioningSequence replays the requests Okta's SCIM 2.0 client
// sends, in the order its protocol reference describes: the "Test connector
// configuration" lookup, the existence check before a push, create, read,
// full replacement with PUT, deactivation with a path-less PATCH, and the
// group push operations. The token goes without "Bearer", as the admin is
// told to paste it.
func TestOktaProvisioningSequence(t *testing.T) {
	e := newEnv(t)
	auth := acmeToken
	uid := testID(1)
	gid := testID(2)

	e.expect("test connector", e.do(http.MethodGet, "/Users"+q(`userName eq "test.user@okta.local"`, "&startIndex=1&count=1"), auth, ""),
		http.StatusOK, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
		"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}`)

	e.expect("connector probe without a filter", e.do(http.MethodGet, "/Users?startIndex=1&count=1", auth, ""),
		http.StatusOK, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
		"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}`)

	e.expect("existence check", e.do(http.MethodGet, "/Users"+q(`userName eq "test.user@okta.local"`, "&startIndex=1&count=100"), auth, ""),
		http.StatusOK, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
		"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}`)

	created := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"` + uid + `",
		"userName":"test.user@okta.local","name":{"givenName":"Test","familyName":"User"},
		"emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],
		"displayName":"Test User","locale":"en-US","externalId":"00ujl29u0le5T6Aj10h7","active":true,
		"meta":{"resourceType":"User","created":"2026-11-23T10:00:00Z","lastModified":"2026-11-23T10:00:00Z",
		"location":"{{base}}/Users/` + uid + `","version":"W/\"1\""}}`
	e.expect("create user", e.do(http.MethodPost, "/Users", auth, `{
		"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
		"userName":"test.user@okta.local",
		"name":{"givenName":"Test","familyName":"User"},
		"emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],
		"displayName":"Test User","locale":"en-US","externalId":"00ujl29u0le5T6Aj10h7",
		"groups":[],"password":"1mz050nq","active":true}`),
		http.StatusCreated, created, "Location", "{{base}}/Users/"+uid, "ETag", `W/"1"`)

	e.expect("read user", e.do(http.MethodGet, "/Users/"+uid, auth, ""), http.StatusOK, created, "ETag", `W/"1"`)

	e.expect("lookup finds the user", e.do(http.MethodGet, "/Users"+q(`userName eq "test.user@okta.local"`, "&startIndex=1&count=1"), auth, ""),
		http.StatusOK, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
		"totalResults":1,"startIndex":1,"itemsPerPage":1,"Resources":[`+created+`]}`)

	e.advance(60e9)
	e.expect("full replace", e.do(http.MethodPut, "/Users/"+uid, auth, `{
		"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"`+uid+`",
		"userName":"test.user@okta.local","name":{"givenName":"Another","familyName":"User"},
		"emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],
		"displayName":"Another User","active":true,"groups":[],
		"meta":{"resourceType":"User"}}`),
		http.StatusOK, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"`+uid+`",
		"userName":"test.user@okta.local","name":{"givenName":"Another","familyName":"User"},
		"emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],
		"displayName":"Another User","active":true,
		"meta":{"resourceType":"User","created":"2026-11-23T10:00:00Z","lastModified":"2026-11-23T10:01:00Z",
		"location":"{{base}}/Users/`+uid+`","version":"W/\"2\""}}`, "ETag", `W/"2"`)

	e.advance(60e9)
	e.expect("deactivate", e.do(http.MethodPatch, "/Users/"+uid, auth, `{
		"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"replace","value":{"active":false}}]}`),
		http.StatusOK, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"`+uid+`",
		"userName":"test.user@okta.local","name":{"givenName":"Another","familyName":"User"},
		"emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],
		"displayName":"Another User","active":false,
		"meta":{"resourceType":"User","created":"2026-11-23T10:00:00Z","lastModified":"2026-11-23T10:02:00Z",
		"location":"{{base}}/Users/`+uid+`","version":"W/\"3\""}}`)

	e.expectStatus("reactivate", e.do(http.MethodPatch, "/Users/"+uid, auth, `{
		"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"replace","value":{"active":true}}]}`),
		http.StatusOK, "ETag", `W/"4"`)

	group := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"` + gid + `","displayName":"Test SCIMv2",
		"meta":{"resourceType":"Group","created":"2026-11-23T10:02:00Z","lastModified":"2026-11-23T10:02:00Z",
		"location":"{{base}}/Groups/` + gid + `","version":"W/\"1\""}}`
	e.expect("push group", e.do(http.MethodPost, "/Groups", auth, `{
		"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Test SCIMv2","members":[]}`),
		http.StatusCreated, group, "Location", "{{base}}/Groups/"+gid)

	e.expect("find group", e.do(http.MethodGet, "/Groups"+q(`displayName eq "Test SCIMv2"`, "&startIndex=1&count=100"), auth, ""),
		http.StatusOK, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
		"totalResults":1,"startIndex":1,"itemsPerPage":1,"Resources":[`+group+`]}`)

	e.expect("rename group", e.do(http.MethodPatch, "/Groups/"+gid, auth, `{
		"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"replace","value":{"id":"`+gid+`","displayName":"Renamed SCIMv2"}}]}`),
		http.StatusNoContent, "", "ETag", `W/"2"`)

	e.expect("add member", e.do(http.MethodPatch, "/Groups/"+gid, auth, `{
		"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"add","path":"members","value":[{"value":"`+uid+`","display":"test.user@okta.local"}]}]}`),
		http.StatusNoContent, "")

	e.expect("group has member", e.do(http.MethodGet, "/Groups/"+gid, auth, ""), http.StatusOK,
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"`+gid+`","displayName":"Renamed SCIMv2",
		"members":[{"value":"`+uid+`","display":"test.user@okta.local"}],
		"meta":{"resourceType":"Group","created":"2026-11-23T10:02:00Z","lastModified":"2026-11-23T10:02:00Z",
		"location":"{{base}}/Groups/`+gid+`","version":"W/\"3\""}}`)

	e.expect("remove member", e.do(http.MethodPatch, "/Groups/"+gid, auth, `{
		"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"remove","path":"members[value eq \"`+uid+`\"]"}]}`),
		http.StatusNoContent, "")

	e.expect("members gone", e.do(http.MethodGet, "/Groups/"+gid+"?attributes=members", auth, ""), http.StatusOK,
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"`+gid+`"}`)

	e.expect("delete group", e.do(http.MethodDelete, "/Groups/"+gid, auth, ""), http.StatusNoContent, "")
	e.expect("group is gone", e.do(http.MethodGet, "/Groups/"+gid, auth, ""), http.StatusNotFound,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"404","detail":"resource not found"}`)
}
