package mapping_test

import (
	"strings"
	"testing"

	"github.com/ssokit/ssokit/mapping"
)

func TestStepString(t *testing.T) {
	tests := []struct {
		step mapping.Step
		want string
	}{
		{mapping.Step{Kind: mapping.StepEmail, Claim: "email", Output: "a@b.co"}, "email 'a@b.co' from claim 'email'"},
		{mapping.Step{Kind: mapping.StepName, Claim: "name", Output: "Ann"}, "name 'Ann' from claim 'name'"},
		{mapping.Step{Kind: mapping.StepNameFallback, Claim: "'g' and 'f'", Output: "Ann Lee"}, "name 'Ann Lee' from claims 'g' and 'f'"},
		{mapping.Step{Kind: mapping.StepNameMissing, Claim: "name"}, "no name claim 'name': name left empty"},
		{mapping.Step{Kind: mapping.StepTimezone, Claim: "timezone", Output: "UTC"}, "timezone 'UTC' from claim 'timezone'"},
		{mapping.Step{Kind: mapping.StepTimezoneInvalid, Claim: "tz", Input: "Mars"}, "timezone 'Mars' from claim 'tz' is not an IANA name: ignored"},
		{mapping.Step{Kind: mapping.StepNoTimezone, Claim: "tz"}, "no timezone claim 'tz': timezone not set"},
		{mapping.Step{Kind: mapping.StepNoSpaces, Claim: "'s' and 'r'"}, "no space claims 's' and 'r': no spaces"},
		{mapping.Step{Kind: mapping.StepSpaceRole, Space: "DevOps", Output: "Space Developer", Pos: 2}, "space 'DevOps': role 'Space Developer' from position 2"},
		{mapping.Step{Kind: mapping.StepSpaceRoleReused, Space: "QA", Output: "Space Admin", Pos: 1}, "space 'QA': role 'Space Admin', the only role given, reused"},
		{mapping.Step{Kind: mapping.StepRoleUnknown, Space: "Trial", Input: "Admin ", Output: "Space Member"}, "space 'Trial': role 'Admin ' unknown: Space Member"},
		{mapping.Step{Kind: mapping.StepRoleMissing, Space: "QA", Output: "Space Member", Pos: 3}, "space 'QA': no role at position 3: Space Member"},
		{mapping.Step{Kind: mapping.StepRoleIgnored, Space: "QA", Input: "x", Output: "Space Member", Pos: 3}, "space 'QA' at position 3: role 'x' ignored, keeps 'Space Member'"},
		{mapping.Step{Kind: mapping.StepRoleIgnored, Space: "QA", Input: " ", Output: "Space Member", Pos: 3}, "space 'QA' at position 3 without a role: ignored, keeps 'Space Member'"},
		{mapping.Step{Kind: mapping.StepSpaceUnknown, Input: "Trial2", Pos: 1}, "space 'Trial2' unknown: ignored"},
		{mapping.Step{Kind: mapping.StepSpaceEmpty, Pos: 4}, "space at position 4 is empty: ignored"},
		{mapping.Step{Kind: mapping.StepRoleExtra, Input: "Owner", Pos: 4}, "role 'Owner' at position 4 has no space: ignored"},
		{mapping.Step{Kind: mapping.StepNoGroups, Claim: "groups"}, "no groups claim 'groups': no groups"},
		{mapping.Step{Kind: mapping.StepGroupsDistributed, Claim: "groups"}, "groups claim 'groups' left out of the token and named in '_claim_names' (too many groups): not read"},
		{mapping.Step{Kind: mapping.StepGroupHost, Input: "G1", Output: "ops"}, "group 'G1': host group 'ops'"},
		{mapping.Step{Kind: mapping.StepGroupPermissions, Input: "G1", Output: "'read'"}, "group 'G1': permissions 'read'"},
		{mapping.Step{Kind: mapping.StepGroupUnmatched, Input: "G2"}, "group 'G2' not mapped: ignored"},
		{mapping.Step{Kind: 200}, "step 200"},
		{mapping.Step{}, "step 0"},
	}
	for _, tc := range tests {
		if got := tc.step.String(); got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
}

func TestStepQuotesHostileValues(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"quote and backslash escaped", `it's\`, `space 'it\'s\\' unknown: ignored`},
		{"newline cannot forge a second line", "x\nspace 'Prod': role 'Admin'", `space 'x\nspace \'Prod\': role \'Admin\'' unknown: ignored`},
		{"control and invalid bytes escaped", "a\x00b\xffc\u202e", `space 'a\x00b\xffc\u202e' unknown: ignored`},
		{"unicode letters kept", "Zürich", "space 'Zürich' unknown: ignored"},
		{"long values shortened", strings.Repeat("x", 150), "space '" + strings.Repeat("x", 100) + "...' unknown: ignored"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := mapping.Step{Kind: mapping.StepSpaceUnknown, Input: tc.in}.String()
			if got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestDecisionExplain(t *testing.T) {
	d := mapping.Decision{Steps: []mapping.Step{
		{Kind: mapping.StepSpaceUnknown, Input: "Trial2"},
		{Kind: mapping.StepGroupUnmatched, Input: "g"},
	}}
	if got, want := d.Explain(), "space 'Trial2' unknown: ignored\ngroup 'g' not mapped: ignored"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
