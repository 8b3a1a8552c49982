package groupsync

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestGraphGroupsOverage(t *testing.T) {
	overage := map[string]any{
		"oid": "6e7b768e-07e2-4810-8459-485f84f8f204", "tid": "contoso",
		"_claim_names":   map[string]any{"groups": "src1"},
		"_claim_sources": map[string]any{"src1": map[string]any{"endpoint": "https://evil.example/steal"}},
	}
	tests := []struct {
		name    string
		claims  map[string]any
		want    string
		wantErr error
	}{
		{"groups claim is used when present", map[string]any{"groups": []any{"a", "b"}}, "a b", nil},
		{"overage fetches groups from Graph, not from _claim_sources", overage,
			"fee2c45b-915a-4a64-b130-f4eb9e75525e 4fe90ae7-065a-478b-9400-e0a0e1cbd540", nil},
		{"hasgroups is an overage", map[string]any{"hasgroups": true, "oid": "6e7b768e-07e2-4810-8459-485f84f8f204"},
			"fee2c45b-915a-4a64-b130-f4eb9e75525e 4fe90ae7-065a-478b-9400-e0a0e1cbd540", nil},
		{"overage without oid is an error", map[string]any{"hasgroups": true}, "", ErrNoObjectID},
		{"overage for another tenant is refused", map[string]any{"hasgroups": true, "oid": "x", "tid": "fabrikam"}, "", &TenantMismatchError{}},
		{"a non-list groups claim is an error", map[string]any{"groups": "a,b"}, "", errors.New("")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeGraph(t)
			g := newTestGraph(t, f, &sleepLog{})
			got, err := g.Groups(context.Background(), tc.claims)
			switch want := tc.wantErr.(type) {
			case nil:
				if err != nil || strings.Join(got, " ") != tc.want {
					t.Fatalf("got %v, %v", got, err)
				}
			case *TenantMismatchError:
				if !errors.As(err, &want) || want.Got != "fabrikam" || len(f.requests) != 0 {
					t.Fatalf("err = %v, requests %v", err, f.requests)
				}
			default:
				if err == nil || (tc.wantErr == ErrNoObjectID && !errors.Is(err, ErrNoObjectID)) {
					t.Fatalf("err = %v", err)
				}
			}
		})
	}
}

// FuzzGroupsClaim feeds claims documents (JSON as it arrives in a token)
// to the overage detection and the groups claim reader.
func FuzzGroupsClaim(f *testing.F) {
	f.Add(`{"groups":["a","b"]}`)
	f.Add(`{"_claim_names":{"groups":"src1"},"_claim_sources":{"src1":{"endpoint":"https://x"}}}`)
	f.Add(`{"hasgroups":true,"groups":null}`)
	f.Add(`{"groups":[1,{"a":2}]}`)
	f.Fuzz(func(t *testing.T, doc string) {
		var claims map[string]any
		if json.Unmarshal([]byte(doc), &claims) != nil {
			return
		}
		over := GroupsOverage(claims)
		got, err := stringList(claims["groups"])
		if err == nil && len(got) > 0 && claims["groups"] == nil {
			t.Fatalf("groups from nothing: %v", got)
		}
		if _, isList := claims["groups"].([]any); err != nil && !isList && claims["groups"] == nil {
			t.Fatalf("error for an absent claim: %v", err)
		}
		names, _ := claims["_claim_names"].(map[string]any)
		_, named := names["groups"]
		if want := named || claims["hasgroups"] == true; over != want {
			t.Fatalf("GroupsOverage(%s) = %v, want %v", doc, over, want)
		}
	})
}
