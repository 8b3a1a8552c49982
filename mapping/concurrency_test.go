package mapping_test

import (
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/ssokit/ssokit/mapping"
)

// One Mapper and one Catalog serve many logins at once; run with -race.
func TestMapConcurrent(t *testing.T) {
	m := compile(t, mapping.Rules{Permissions: reinferRules()})
	cat := torqueCatalog(t)
	zones := []string{"Europe/Berlin", "Asia/Tokyo", "America/New_York", "Nowhere/Land"}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				tz := zones[(g+i)%len(zones)]
				c := mapping.Claims{IDToken: map[string]any{
					"email": "ann@example.com", "name": "Ann", "timezone": tz,
					"space_name": "Trial,DevOps", "space_role": "Space Admin",
					"groups": []any{"reinfer-users", "reinfer-admins"},
				}}
				d, err := m.Map(c, cat)
				wantTZ := tz
				if tz == "Nowhere/Land" {
					wantTZ = ""
				}
				if err != nil || d.Timezone != wantTZ || len(d.Spaces) != 2 || !slices.Equal(d.Permissions, []string{"admin", "read", "write"}) {
					errs <- d.Explain()
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("unexpected decision:\n%s", e)
	}
}

func TestMapDoesNotModifyClaims(t *testing.T) {
	m := compile(t, mapping.Rules{Groups: "saml:groups", Permissions: reinferRules()})
	cat := groupCatalog(t)
	c := mapping.Claims{
		IDToken: map[string]any{"email": "Ann@Example.com", "name": "Ann", "space_name": "b,a", "groups": []any{"z", "a"}},
		SAML:    map[string][]string{"groups": {"reinfer-users", opsGUID, "Labellers", devGUID}},
	}
	before := mapping.Claims{
		IDToken: map[string]any{"email": "Ann@Example.com", "name": "Ann", "space_name": "b,a", "groups": []any{"z", "a"}},
		SAML:    map[string][]string{"groups": {"reinfer-users", opsGUID, "Labellers", devGUID}},
	}
	d, err := m.Map(c, cat)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, before) {
		t.Errorf("Map modified its input:\n%v\nwas\n%v", c, before)
	}
	if want := []string{"dev-oncall", "developers", "ops"}; !slices.Equal(d.Groups, want) {
		t.Errorf("groups = %q, want %q", d.Groups, want)
	}
	d.Groups = append(d.Groups, "x", "y", "z")
	if want := []string{"label", "read"}; !slices.Equal(d.Permissions, want) {
		t.Errorf("appending to Groups changed Permissions: %q", d.Permissions)
	}
}
