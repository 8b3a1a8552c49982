package mapping_test

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ssokit/ssokit/mapping"
)

func TestMapName(t *testing.T) {
	tests := []struct {
		name   string
		rules  mapping.Rules
		claims map[string]any
		want   string
		step   string
		err    error
	}{
		{"name claim", mapping.Rules{}, map[string]any{"name": " Ann Lee ", "given_name": "X"}, "Ann Lee", "name 'Ann Lee' from claim 'name'", nil},
		{"given and family names when name is absent", mapping.Rules{}, map[string]any{"given_name": "Ann", "family_name": "Lee"}, "Ann Lee",
			"name 'Ann Lee' from claims 'given_name' and 'family_name'", nil},
		{"given and family names when name is blank", mapping.Rules{}, map[string]any{"name": "  ", "given_name": "Ann", "family_name": "Lee"}, "Ann Lee", "", nil},
		{"given name alone", mapping.Rules{}, map[string]any{"given_name": "Ann"}, "Ann", "", nil},
		{"family name alone", mapping.Rules{}, map[string]any{"family_name": "Lee"}, "Lee", "", nil},
		{"configured name claim", mapping.Rules{Name: "userinfo:display_name"}, map[string]any{"name": "Wrong"}, "Ann from userinfo", "name 'Ann from userinfo' from claim 'userinfo:display_name'", nil},
		{"configured fallbacks", mapping.Rules{GivenName: "first", FamilyName: "last"}, map[string]any{"first": "Ann", "last": "Lee", "given_name": "X"}, "Ann Lee",
			"name 'Ann Lee' from claims 'first' and 'last'", nil},
		{"no name at all is an error", mapping.Rules{}, map[string]any{}, "", "", mapping.ErrMissingClaim},
		{"no name at all with NameOptional", mapping.Rules{NameOptional: true}, map[string]any{}, "", "no name claim 'name': name left empty", nil},
		{"name of the wrong type", mapping.Rules{}, map[string]any{"name": 7.0}, "", "", mapping.ErrClaimType},
		{"given name of the wrong type", mapping.Rules{}, map[string]any{"given_name": []any{"a", "b"}}, "", "", mapping.ErrClaimType},
		{"family name of the wrong type", mapping.Rules{}, map[string]any{"given_name": "Ann", "family_name": false}, "", "", mapping.ErrClaimType},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.claims["email"] = "ann@example.com"
			c := mapping.Claims{IDToken: tc.claims, UserInfo: map[string]any{"display_name": "Ann from userinfo"}}
			d, err := compile(t, tc.rules).Map(c, nil)
			if !errors.Is(err, tc.err) || d.Name != tc.want {
				t.Fatalf("got %q, %v; want %q, %v", d.Name, err, tc.want, tc.err)
			}
			if tc.step != "" && !hasStep(d, tc.step) {
				t.Errorf("no step %q in:\n%s", tc.step, d.Explain())
			}
		})
	}
}

func hasStep(d mapping.Decision, s string) bool {
	return slices.ContainsFunc(d.Steps, func(st mapping.Step) bool { return st.String() == s })
}

func TestMapTimezone(t *testing.T) {
	tests := []struct {
		name string
		tz   any // nil leaves the claim out
		want string
		step string
	}{
		{"IANA name", "Europe/Berlin", "Europe/Berlin", "timezone 'Europe/Berlin' from claim 'timezone'"},
		{"deep IANA name, trimmed", " America/Argentina/Buenos_Aires ", "America/Argentina/Buenos_Aires", ""},
		{"UTC", "UTC", "UTC", ""},
		{"absent", nil, "", "no timezone claim 'timezone': timezone not set"},
		{"unknown name is reported, not fatal", "Mars/Olympus_Mons", "", "timezone 'Mars/Olympus_Mons' from claim 'timezone' is not an IANA name: ignored"},
		{"Local is refused", "Local", "", "timezone 'Local' from claim 'timezone' is not an IANA name: ignored"},
		{"empty is refused", "", "", "timezone '' from claim 'timezone' is not an IANA name: ignored"},
		{"path escape is refused", "../../etc/passwd", "", ""},
		{"absolute path is refused", "/etc/localtime", "", ""},
		{"too long is refused", strings.Repeat("A", 65), "", ""},
		{"wrong type is reported, not fatal", 1.0, "", "timezone '' from claim 'timezone' is not an IANA name: ignored"},
	}
	m := compile(t, mapping.Rules{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := map[string]any{"email": "ann@example.com", "name": "Ann"}
			if tc.tz != nil {
				c["timezone"] = tc.tz
			}
			d, err := m.Map(mapping.Claims{IDToken: c}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if d.Timezone != tc.want {
				t.Errorf("timezone = %q, want %q", d.Timezone, tc.want)
			}
			if tc.step != "" && !hasStep(d, tc.step) {
				t.Errorf("no step %q in:\n%s", tc.step, d.Explain())
			}
		})
	}
}

// countingZones is a LoadLocation that counts calls and knows two zones.
type countingZones struct {
	mu    sync.Mutex
	calls map[string]int
}

func (z *countingZones) load(name string) (*time.Location, error) {
	z.mu.Lock()
	defer z.mu.Unlock()
	z.calls[name]++
	if name == "Europe/Berlin" || name == "Custom/Zone" {
		return time.FixedZone(name, 0), nil
	}
	return nil, errors.New("unknown zone")
}

func TestTimezoneLookupIsCachedForValidNames(t *testing.T) {
	z := &countingZones{calls: map[string]int{}}
	m := compile(t, mapping.Rules{LoadLocation: z.load})
	for range 3 {
		for _, tz := range []string{"Custom/Zone", "Nowhere/Else"} {
			d, err := m.Map(mapping.Claims{IDToken: map[string]any{"email": "a@b.co", "name": "A", "timezone": tz}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if want := map[string]string{"Custom/Zone": "Custom/Zone"}[tz]; d.Timezone != want {
				t.Errorf("timezone %q: got %q, want %q", tz, d.Timezone, want)
			}
		}
	}
	if z.calls["Custom/Zone"] != 1 || z.calls["Nowhere/Else"] != 3 {
		t.Errorf("LoadLocation calls = %v, want the valid name loaded once and the invalid one each time", z.calls)
	}
}

func TestTimezoneCacheIsBounded(t *testing.T) {
	calls := 0
	m := compile(t, mapping.Rules{LoadLocation: func(name string) (*time.Location, error) {
		calls++
		return time.UTC, nil // accepts every name
	}})
	mapTZ := func(i int) {
		c := mapping.Claims{IDToken: map[string]any{"email": "a@b.co", "name": "A", "timezone": "Zone/N" + strconv.Itoa(i)}}
		if _, err := m.Map(c, nil); err != nil {
			t.Fatal(err)
		}
	}
	const n = 1100 // more names than the cache holds
	for i := range n {
		mapTZ(i)
	}
	before := calls
	mapTZ(5)
	if calls != before {
		t.Errorf("an early name was not cached")
	}
	mapTZ(n - 1)
	if calls != before+1 {
		t.Errorf("a name beyond the cache bound was cached (calls %d, before %d)", calls, before)
	}
}
