package scim

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// call runs one request through the handler directly.
func call(h http.Handler, method, path, token, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "http://sp.example/scim/v2"+path, strings.NewReader(body))
	req.Header.Set("Authorization", token)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestConcurrentProvisioning runs two tenants' clients in parallel (run it
// with -race): creates, lists, PATCHes of one group by several writers
// without If-Match, and deletes. Every member added must survive, and no
// tenant may see the other's users.
func TestConcurrentProvisioning(t *testing.T) {
	e := newEnv(t)
	h := e.h
	e.expectStatus("group", e.do(http.MethodPost, "/Groups", acmeToken, `{"displayName":"all"}`), http.StatusCreated)
	gid := testID(1)
	const workers, perWorker = 4, 10
	var wg sync.WaitGroup
	errs := make(chan string, workers*perWorker*4)
	for w := range workers {
		for _, tok := range []string{acmeToken, globexToken} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range perWorker {
					name := fmt.Sprintf("w%d-u%d@example.com", w, i)
					rec := call(h, http.MethodPost, "/Users", tok, `{"userName":"`+name+`"}`)
					if rec.Code != http.StatusCreated {
						errs <- fmt.Sprintf("create %s: %d %s", name, rec.Code, rec.Body)
						continue
					}
					id := strings.TrimPrefix(rec.Header().Get("Location"), e.base+"/Users/")
					if tok == acmeToken {
						body := ops(`{"op":"Add","path":"members","value":[{"value":"` + id + `"}]}`)
						if rec := call(h, http.MethodPatch, "/Groups/"+gid, tok, body); rec.Code != http.StatusNoContent {
							errs <- fmt.Sprintf("add member: %d %s", rec.Code, rec.Body)
						}
					}
					if rec := call(h, http.MethodGet, "/Users?filter=userName+co+%22example%22&count=1000", tok, ""); rec.Code != http.StatusOK {
						errs <- fmt.Sprintf("list: %d", rec.Code)
					}
					if i%3 == 0 {
						if rec := call(h, http.MethodPatch, "/Users/"+id, tok, ops(`{"op":"replace","value":{"active":false}}`)); rec.Code != http.StatusOK {
							errs <- fmt.Sprintf("deactivate: %d", rec.Code)
						}
					}
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
	ctx := context.Background()
	g, err := e.store.Get(ctx, "acme", GroupType, gid)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(g.MemberIDs()); n != workers*perWorker {
		t.Errorf("group has %d members, want %d (lost updates)", n, workers*perWorker)
	}
	for _, tenant := range []string{"acme", "globex"} {
		page, err := e.store.List(ctx, tenant, UserType, Query{StartIndex: 1, Count: 1000})
		if err != nil || page.TotalResults != workers*perWorker {
			t.Errorf("%s has %d users, want %d (%v)", tenant, page.TotalResults, workers*perWorker, err)
		}
	}
}
