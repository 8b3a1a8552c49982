package scim

import (
	"net/http"
	"testing"
)

// TestEntraProvisioningSequence replays the requests Microsoft Entra ID's
// provisioning service sends, as its "develop and plan provisioning for a
// SCIM endpoint" guide lays them out: "Test connection" with a random
// userName, create, lookups by userName and externalId, a duplicate create,
// PATCH with "Replace" and value-path filters, disable with the string
// "False", the manager given as a bare id, delete, and the group calls with
// excludedAttributes=members and bulk member add/remove.
func TestEntraProvisioningSequence(t *testing.T) {
	e := newEnv(t)
	auth := "Bearer " + acmeToken
	uid, uid2, gid := testID(1), testID(3), testID(4) // the refused duplicate used id 2
	emptyList := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
		"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}`

	e.expect("test connection", e.do(http.MethodGet, "/Users"+q(`userName eq "b3a7f1d2-5c1e-4f0a-9d3e-0f9e8d7c6b5a"`, ""), auth, ""),
		http.StatusOK, emptyList)
	e.expect("test connection without credentials", e.do(http.MethodGet, "/Users", "", ""),
		http.StatusUnauthorized, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"401","detail":"authorization failure"}`,
		"WWW-Authenticate", `Bearer realm="scim"`)

	createBody := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
		"externalId":"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef","userName":"Test_User_ab6490ee@testuser.com","active":true,
		"emails":[{"primary":true,"type":"work","value":"Test_User_fd0ea19b@testuser.com"}],
		"meta":{"resourceType":"User"},
		"name":{"formatted":"givenName familyName","familyName":"familyName","givenName":"givenName"},"roles":[]}`
	user := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"` + uid + `",
		"externalId":"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef","userName":"Test_User_ab6490ee@testuser.com","active":true,
		"emails":[{"primary":true,"type":"work","value":"Test_User_fd0ea19b@testuser.com"}],
		"name":{"formatted":"givenName familyName","familyName":"familyName","givenName":"givenName"},
		"meta":{"resourceType":"User","created":"2026-11-23T10:00:00Z","lastModified":"2026-11-23T10:00:00Z",
		"location":"{{base}}/Users/` + uid + `","version":"W/\"1\""}}`
	e.expect("create user", e.do(http.MethodPost, "/Users", auth, createBody), http.StatusCreated, user,
		"Location", "{{base}}/Users/"+uid)

	e.expect("get user by userName", e.do(http.MethodGet, "/Users"+q(`userName eq "Test_User_ab6490ee@testuser.com"`, ""), auth, ""),
		http.StatusOK, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
		"totalResults":1,"startIndex":1,"itemsPerPage":1,"Resources":[`+user+`]}`)
	e.expect("get user by externalId", e.do(http.MethodGet, "/Users"+q(`externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"`, ""), auth, ""),
		http.StatusOK, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
		"totalResults":1,"startIndex":1,"itemsPerPage":1,"Resources":[`+user+`]}`)
	e.expect("get user by work email", e.do(http.MethodGet, "/Users"+q(`emails[type eq "work"].value eq "test_user_fd0ea19b@testuser.com"`, ""), auth, ""),
		http.StatusOK, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
		"totalResults":1,"startIndex":1,"itemsPerPage":1,"Resources":[`+user+`]}`)
	e.expect("query that matches nothing", e.do(http.MethodGet, "/Users"+q(`userName eq "non-existent user"`, ""), auth, ""),
		http.StatusOK, emptyList)

	e.expect("duplicate userName", e.do(http.MethodPost, "/Users", auth, createBody), http.StatusConflict,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"userName is already in use"}`)

	e.advance(60e9)
	e.expect("update multi-valued attributes", e.do(http.MethodPatch, "/Users/"+uid, auth, `{
		"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[
			{"op":"Replace","path":"emails[type eq \"work\"].value","value":"updatedEmail@microsoft.com"},
			{"op":"Replace","path":"name.familyName","value":"updatedFamilyName"}]}`),
		http.StatusOK, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"`+uid+`",
		"externalId":"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef","userName":"Test_User_ab6490ee@testuser.com","active":true,
		"emails":[{"primary":true,"type":"work","value":"updatedEmail@microsoft.com"}],
		"name":{"formatted":"givenName familyName","familyName":"updatedFamilyName","givenName":"givenName"},
		"meta":{"resourceType":"User","created":"2026-11-23T10:00:00Z","lastModified":"2026-11-23T10:01:00Z",
		"location":"{{base}}/Users/`+uid+`","version":"W/\"2\""}}`)

	e.expect("update single-valued attribute", e.do(http.MethodPatch, "/Users/"+uid, auth, `{
		"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"Replace","path":"userName","value":"5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"}]}`),
		http.StatusOK, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"`+uid+`",
		"externalId":"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef","userName":"5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com","active":true,
		"emails":[{"primary":true,"type":"work","value":"updatedEmail@microsoft.com"}],
		"name":{"formatted":"givenName familyName","familyName":"updatedFamilyName","givenName":"givenName"},
		"meta":{"resourceType":"User","created":"2026-11-23T10:00:00Z","lastModified":"2026-11-23T10:01:00Z",
		"location":"{{base}}/Users/`+uid+`","version":"W/\"3\""}}`)
	e.expect("old userName is free again", e.do(http.MethodGet, "/Users"+q(`userName eq "Test_User_ab6490ee@testuser.com"`, ""), auth, ""),
		http.StatusOK, emptyList)

	e.expectStatus("create manager", e.do(http.MethodPost, "/Users", auth, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
		"userName":"manager@testuser.com","active":true}`), http.StatusCreated, "Location", e.base+"/Users/"+uid2)
	e.expect("set manager", e.do(http.MethodPatch, "/Users/"+uid+"?attributes=urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", auth, `{
		"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"`+uid2+`"}]}`),
		http.StatusOK, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
		"id":"`+uid+`","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"`+uid2+`"}}}`)

	e.expect("disable user with a string boolean", e.do(http.MethodPatch, "/Users/"+uid+"?attributes=active", auth, `{
		"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"Replace","path":"active","value":"False"}]}`),
		http.StatusOK, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
		"id":"`+uid+`","active":false}`)
	e.expect("disabled user still answers filters with active", e.do(http.MethodGet,
		"/Users"+q(`userName eq "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"`, "&attributes=active"), auth, ""),
		http.StatusOK, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1,"startIndex":1,"itemsPerPage":1,
		"Resources":[{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"id":"`+uid+`","active":false}]}`)

	group := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"` + gid + `",
		"externalId":"8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159","displayName":"displayName",
		"meta":{"resourceType":"Group","created":"2026-11-23T10:01:00Z","lastModified":"2026-11-23T10:01:00Z",
		"location":"{{base}}/Groups/` + gid + `","version":"W/\"1\""}}`
	e.expect("create group", e.do(http.MethodPost, "/Groups", auth, `{
		"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group","http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
		"externalId":"8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159","displayName":"displayName","meta":{"resourceType":"Group"}}`),
		http.StatusCreated, group, "Location", "{{base}}/Groups/"+gid)
	e.expect("get group", e.do(http.MethodGet, "/Groups/"+gid+"?excludedAttributes=members", auth, ""), http.StatusOK, group)
	e.expect("get group by displayName", e.do(http.MethodGet, "/Groups"+q(`displayName eq "displayName"`, "&excludedAttributes=members"), auth, ""),
		http.StatusOK, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
		"totalResults":1,"startIndex":1,"itemsPerPage":1,"Resources":[`+group+`]}`)

	e.expect("update group name", e.do(http.MethodPatch, "/Groups/"+gid, auth, `{
		"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"Replace","path":"displayName","value":"1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName"}]}`),
		http.StatusNoContent, "")
	e.expect("add members", e.do(http.MethodPatch, "/Groups/"+gid, auth, `{
		"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"Add","path":"members","value":[{"$ref":null,"value":"`+uid+`"},{"$ref":null,"value":"`+uid2+`"}]}]}`),
		http.StatusNoContent, "")
	e.expect("members filter", e.do(http.MethodGet, "/Groups"+q(`id eq "`+gid+`" and members[value eq "`+uid2+`"]`, "&attributes=displayName"), auth, ""),
		http.StatusOK, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1,"startIndex":1,"itemsPerPage":1,
		"Resources":[{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"`+gid+`","displayName":"1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName"}]}`)
	e.expect("remove members", e.do(http.MethodPatch, "/Groups/"+gid, auth, `{
		"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"Remove","path":"members","value":[{"$ref":null,"value":"`+uid+`"}]}]}`),
		http.StatusNoContent, "")
	e.expect("one member left", e.do(http.MethodGet, "/Groups/"+gid+"?attributes=members", auth, ""), http.StatusOK,
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"`+gid+`","members":[{"value":"`+uid2+`"}]}`)

	e.expect("delete user", e.do(http.MethodDelete, "/Users/"+uid2, auth, ""), http.StatusNoContent, "")
	e.expect("deleted user left the group", e.do(http.MethodGet, "/Groups/"+gid+"?attributes=members", auth, ""), http.StatusOK,
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"`+gid+`"}`)
	e.expect("deleted user is gone", e.do(http.MethodGet, "/Users/"+uid2, auth, ""), http.StatusNotFound,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"404","detail":"resource not found"}`)
	e.expect("delete group", e.do(http.MethodDelete, "/Groups/"+gid, auth, ""), http.StatusNoContent, "")
}
