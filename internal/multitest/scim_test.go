package multitest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/ssokit/ssokit/scim"
)

// SCIM stays host-owned: each instance mounts its own scim.Handler over
// the host's one user database, and that database decides uniqueness.
// These tests show the guarantee a scim.Store must give, with the memory
// store (a lock) standing for the host's database (a unique index on
// tenant and lower(userName)).

const scimToken = "scim-token-acme-0123456789"

// TestSCIMCreatesRaceOnTwoInstances: two instances receive a create for the
// same userName (different case) at the same moment, 50 times over: each
// time exactly one 201 and one 409 uniqueness, and one user exists.
func TestSCIMCreatesRaceOnTwoInstances(t *testing.T) {
	db := scim.NewMemoryStore() // the host's database, shared by both instances
	tokens := scim.NewTokenSet()
	tokens.Add("acme", scim.HashToken(scimToken))
	var urls []string
	for range 2 {
		mux := http.NewServeMux()
		srv := httptest.NewServer(mux)
		t.Cleanup(srv.Close)
		h, err := scim.New(scim.Config{Authenticator: tokens, Store: db, BaseURL: srv.URL + "/scim/v2"})
		if err != nil {
			t.Fatal(err)
		}
		mux.Handle("/scim/v2/", h)
		urls = append(urls, srv.URL+"/scim/v2/Users")
	}
	const rounds = 50
	for i := range rounds {
		names := []string{fmt.Sprintf("user%d@acme.example", i), fmt.Sprintf("USER%d@Acme.Example", i)}
		codes := make([]int, 2)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for j := range 2 {
			wg.Go(func() {
				<-start
				codes[j] = scimCreate(t, urls[j], names[j])
			})
		}
		close(start)
		wg.Wait()
		if !(codes[0] == 201 && codes[1] == 409 || codes[0] == 409 && codes[1] == 201) {
			t.Fatalf("round %d: instances answered %v, want one 201 and one 409", i, codes)
		}
	}
	page, err := db.List(context.Background(), "acme", scim.UserType, scim.Query{StartIndex: 1, Count: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if page.TotalResults != rounds {
		t.Fatalf("%d users stored after %d racing pairs, want %d", page.TotalResults, rounds, rounds)
	}
}

func scimCreate(t *testing.T, url, userName string) int {
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"`+userName+`"}`))
	if err != nil {
		t.Error(err)
		return 0
	}
	req.Header.Set("Authorization", "Bearer "+scimToken)
	req.Header.Set("Content-Type", "application/scim+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestSCIMStoreUniquenessUnderConcurrency is the store contract itself:
// of 16 concurrent Creates of one userName, exactly one succeeds and the
// others fail with an error wrapping scim.ErrUniqueness.
func TestSCIMStoreUniquenessUnderConcurrency(t *testing.T) {
	db := scim.NewMemoryStore()
	const n = 16
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			r := &scim.Resource{ID: fmt.Sprintf("id-%d", i), Type: scim.UserType,
				Attrs: map[string]any{"userName": []string{"same@acme.example", "Same@Acme.Example"}[i%2]}}
			errs[i] = db.Create(context.Background(), "acme", r)
		})
	}
	close(start)
	wg.Wait()
	ok := 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, scim.ErrUniqueness):
			t.Errorf("create %d: %v, want ErrUniqueness", i, err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d creates succeeded, want exactly 1", ok)
	}
}
