package groupsync

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// ErrNoObjectID reports an overage ID token without an "oid" claim, so the
// user's groups cannot be fetched from Graph.
var ErrNoObjectID = errors.New("groupsync: groups overage but no oid claim")

// TenantMismatchError reports an ID token whose "tid" is not the tenant the
// Graph client is configured for; its groups are not fetched.
type TenantMismatchError struct {
	Got, Want string
}

// Error returns a message that is safe to show.
func (e *TenantMismatchError) Error() string {
	return fmt.Sprintf("groupsync: ID token tenant %q is not the configured tenant %q", e.Got, e.Want)
}

// GroupsOverage reports whether Entra ID left the groups out of an ID (or
// access) token because the user is in too many: the token then names a
// "groups" claim source in _claim_names, or carries "hasgroups": true.
func GroupsOverage(claims map[string]any) bool {
	if names, ok := claims["_claim_names"].(map[string]any); ok {
		if _, ok := names["groups"]; ok {
			return true
		}
	}
	has, _ := claims["hasgroups"].(bool)
	return has
}

// Groups returns the user's group object ids from the token's "groups"
// claim or, on overage, from Graph (getMemberGroups for the "oid" claim).
// The _claim_sources endpoint in the token is never called: Graph is
// reached only at the configured base URL, and the token's "tid" must match
// the configured TenantID when both are known.
func (g *Graph) Groups(ctx context.Context, claims map[string]any) ([]string, error) {
	if !GroupsOverage(claims) {
		return stringList(claims["groups"])
	}
	if tid, _ := claims["tid"].(string); g.tenant != "" && tid != "" && !strings.EqualFold(tid, g.tenant) {
		return nil, &TenantMismatchError{Got: tid, Want: g.tenant}
	}
	oid, _ := claims["oid"].(string)
	if oid == "" {
		return nil, ErrNoObjectID
	}
	return g.MemberGroups(ctx, oid)
}

// MemberGroups returns the ids of every group the user is a member of,
// transitively (POST /v1.0/users/{id}/getMemberGroups).
func (g *Graph) MemberGroups(ctx context.Context, userID string) ([]string, error) {
	var page graphPage[string]
	body := []byte(`{"securityEnabledOnly":false}`)
	if _, err := g.api.do(ctx, http.MethodPost, "/v1.0/users/"+url.PathEscape(userID)+"/getMemberGroups", body, &page); err != nil {
		return nil, err
	}
	return page.Value, nil
}

// MemberOf returns the ids of the groups the user is a direct member of
// (GET /v1.0/users/{id}/memberOf), following @odata.nextLink.
func (g *Graph) MemberOf(ctx context.Context, userID string) ([]string, error) {
	type object struct {
		ODataType string `json:"@odata.type"`
		ID        string `json:"id"`
	}
	var out []string
	ref := "/v1.0/users/" + url.PathEscape(userID) + "/memberOf?$select=id"
	for pages := 0; ref != ""; pages++ {
		if pages > 10_000 {
			return nil, fmt.Errorf("%w: too many pages", ErrTooLarge)
		}
		var page graphPage[object]
		if _, err := g.api.do(ctx, http.MethodGet, ref, nil, &page); err != nil {
			return nil, err
		}
		for _, o := range page.Value {
			if o.ODataType == "" || o.ODataType == "#microsoft.graph.group" {
				out = append(out, o.ID)
			}
		}
		ref = page.NextLink
	}
	return out, nil
}

func stringList(v any) ([]string, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("groupsync: groups claim is %T, not a list", v)
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("groupsync: groups claim holds %T, not a string", e)
		}
		out = append(out, s)
	}
	return out, nil
}
