package oidc

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

var fuzzNow = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func fuzzRP(t testing.TB) *RP {
	rp, err := New(Config{Issuer: "https://login.example", ClientID: "c", ClientSecret: "s",
		RedirectURL: "https://app.example/cb", StateKey: make([]byte, 32),
		Now: func() time.Time { return fuzzNow }})
	if err != nil {
		t.Fatal(err)
	}
	return rp
}

// FuzzDecodeState feeds the state decoder arbitrary values: it must refuse
// them with ErrInvalidState, never panic, and only accept values that
// decode to a complete, unexpired state.
func FuzzDecodeState(f *testing.F) {
	rp := fuzzRP(f)
	valid, err := rp.sealer.seal(State{ID: "id", Nonce: "n", Verifier: "v", ReturnTo: "/r", ConnectionID: "c",
		Expires: fuzzNow.Add(time.Minute)}, bytes.NewReader(make([]byte, 12)))
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{valid, valid[:len(valid)-1], "A" + valid[1:], "", "AQ", strings.Repeat("A", MaxStateLength+1)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		st, err := rp.DecodeState(value)
		if err != nil {
			if !errors.Is(err, ErrInvalidState) {
				t.Fatalf("err = %v, want ErrInvalidState", err)
			}
			return
		}
		if st.ID == "" || st.Nonce == "" || st.Verifier == "" || !st.Expires.After(fuzzNow) {
			t.Fatalf("incomplete or expired state accepted: %+v", st)
		}
	})
}

func TestStateSealRoundTrip(t *testing.T) {
	rp := fuzzRP(t)
	in := State{ID: "id", Nonce: "n", Verifier: "v", ReturnTo: "/r?a=b", ConnectionID: "c", Expires: fuzzNow.Add(time.Minute)}
	v, err := rp.sealer.seal(in, bytes.NewReader(make([]byte, 12)))
	if err != nil {
		t.Fatal(err)
	}
	out, err := rp.DecodeState(v)
	out.Expires, in.Expires = out.Expires.UTC(), in.Expires.UTC()
	if err != nil || out != in {
		t.Fatalf("round trip: %+v, %v", out, err)
	}
	if _, err := rp.sealer.open(v, fuzzNow.Add(time.Minute)); !errors.Is(err, ErrInvalidState) {
		t.Errorf("state accepted at its expiry: %v", err)
	}
}

func TestTenantTemplate(t *testing.T) {
	const tmpl = "https://login.microsoftonline.com/{tenantid}/v2.0"
	tests := []struct {
		name      string
		template  string
		discovery string
		want      bool
	}{
		{"common endpoint", tmpl, "https://login.microsoftonline.com/common/v2.0", true},
		{"organizations endpoint with a trailing slash", tmpl, "https://login.microsoftonline.com/organizations/v2.0/", true},
		{"template of another host", "https://evil.example/{tenantid}/v2.0", "https://login.microsoftonline.com/common/v2.0", false},
		{"template with another suffix", "https://login.microsoftonline.com/{tenantid}/v1.0", "https://login.microsoftonline.com/common/v2.0", false},
		{"placeholder spanning path segments", tmpl, "https://login.microsoftonline.com/a/b/v2.0", false},
		{"two placeholders", "https://login.microsoftonline.com/{tenantid}/{tenantid}/v2.0", "https://login.microsoftonline.com/common/common/v2.0", false},
		{"empty tenant segment", tmpl, "https://login.microsoftonline.com//v2.0", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := isTenantTemplate(tt.template, tt.discovery); got != tt.want {
				t.Errorf("isTenantTemplate = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestIsTenantID(t *testing.T) {
	for s, want := range map[string]bool{
		"72f988bf-86f1-41af-91ab-2d7cd011db47": true,
		"72F988BF-86F1-41AF-91AB-2D7CD011DB47": true,
		"72f988bf-86f1-41af-91ab-2d7cd011db4":  false,
		"72f988bf/86f1-41af-91ab-2d7cd011db47": false,
		"../../../../../../evil.example/x/y/z": false,
		"":                                     false,
	} {
		if isTenantID(s) != want {
			t.Errorf("isTenantID(%q) = %v", s, !want)
		}
	}
}

func TestGroupsOverageMarkers(t *testing.T) {
	if g := groupsOverage(map[string]any{"hasgroups": true}); g == nil {
		t.Error("hasgroups not detected")
	}
	if g := groupsOverage(map[string]any{"groups": []any{"a"}}); g != nil {
		t.Errorf("overage reported for inline groups: %v", g)
	}
	if g := groupsOverage(map[string]any{"_claim_names": map[string]any{"other": "src1"}}); g != nil {
		t.Errorf("overage reported for another distributed claim: %v", g)
	}
}

// FuzzAccessTokenClaims feeds arbitrary access tokens to the unverified
// claims decoder and the overage detector, and arbitrary ID tokens to the
// header reader used on the error path: none may panic.
func FuzzAccessTokenClaims(f *testing.F) {
	f.Add("eyJhbGciOiJSUzI1NiJ9.eyJfY2xhaW1fbmFtZXMiOnsiZ3JvdXBzIjoic3JjMSJ9fQ.sig")
	f.Add("eyJhbGciOiJSUzI1NiJ9.eyJoYXNncm91cHMiOnRydWV9.sig")
	f.Add("opaque-access-token")
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, token string) {
		_ = readHeader(token)
		if claims := unverifiedClaims(token); claims != nil {
			_ = groupsOverage(claims)
		}
	})
}
