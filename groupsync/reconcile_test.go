package groupsync

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the process's user+system CPU time, to report next to the
// wall time on a machine whose cores are shared.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

func rowsString(rows []Row) string {
	var parts []string
	for _, r := range rows {
		d, h := "-", "-"
		if r.Directory != nil {
			d = r.Directory.ID
		}
		if r.Host != nil {
			h = r.Host.ID
		}
		parts = append(parts, d+"/"+h+":"+r.Action.String())
	}
	return strings.Join(parts, " ")
}

func TestReconcile(t *testing.T) {
	ok := LoginOutcome{At: time.Date(2026, 4, 30, 8, 0, 0, 0, time.UTC), OK: true}
	failed := LoginOutcome{At: time.Date(2026, 4, 30, 9, 0, 0, 0, time.UTC), Detail: "user not allowed to login"}
	dir := []DirectoryUser{
		{ID: "d-new", Email: "new@example.com", Active: true},
		{ID: "d-match", Email: " Match@Example.com", Active: true},
		{ID: "d-linked", Email: "linked@example.com", Active: true},
		{ID: "d-disabled", Email: "disabled@example.com", Active: false},
		{ID: "d-idle", Email: "idle@example.com", Active: false},
		{ID: "d-new", Email: "dup@example.com", Active: true},
		{ID: "d-ambiguous", Email: "twin@example.com", Active: true},
		{ID: "d-inactive-host", Email: "inactive@example.com", Active: true},
		{ID: "", Email: "noid@example.com", Active: true},
	}
	host := []HostUser{
		{ID: "h-match", Email: "match@example.com", Active: true},
		{ID: "h-linked", ExternalID: "d-linked", Active: true, LastLogin: ok},
		{ID: "h-disabled", ExternalID: "d-disabled", Active: true, LastLogin: failed},
		{ID: "h-gone", ExternalID: "d-gone", Active: true},
		{ID: "h-gone-inactive", ExternalID: "d-gone2", Active: false},
		{ID: "h-twin1", Email: "twin@example.com", Active: true},
		{ID: "h-twin2", Email: "TWIN@example.com", Active: true},
		{ID: "h-inactive", ExternalID: "d-inactive-host", Active: false},
		{ID: "h-dup-link", ExternalID: "d-linked", Active: true},
		{ID: "h-password", Email: "someone@example.com", Active: true},
	}
	r := Reconcile(dir, host)
	tests := []struct {
		name string
		got  []Row
		want string
	}{
		{"new: unlinked directory users, linked by unique email or created", r.New,
			"d-new/-:create d-match/h-match:link d-ambiguous/-:create d-inactive-host/-:create"},
		{"existing: linked active accounts still in the directory", r.Existing, "d-linked/h-linked:unlink"},
		{"deleted: linked accounts disabled in or missing from the directory", r.Deleted,
			"d-disabled/h-disabled:unlink -/h-gone:unlink"},
		{"duplicates: a second account linked to one directory id", r.Duplicates, "-/h-dup-link:unlink"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := rowsString(tc.got); got != tc.want {
				t.Fatalf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
	t.Run("last login outcome is carried per user", func(t *testing.T) {
		if r.Existing[0].LastLogin() != ok || r.Deleted[0].LastLogin() != failed || !r.New[0].LastLogin().At.IsZero() {
			t.Fatalf("last logins: %+v %+v %+v", r.Existing[0].LastLogin(), r.Deleted[0].LastLogin(), r.New[0].LastLogin())
		}
	})
	t.Run("non-ASCII emails match case-insensitively", func(t *testing.T) {
		r := Reconcile([]DirectoryUser{{ID: "d", Email: "ÉLODIE@Example.com", Active: true}},
			[]HostUser{{ID: "h", Email: "élodie@example.com", Active: true}})
		if rowsString(r.New) != "d/h:link" {
			t.Fatalf("new = %s", rowsString(r.New))
		}
	})
	t.Run("empty emails never link", func(t *testing.T) {
		r := Reconcile([]DirectoryUser{{ID: "d", Active: true}}, []HostUser{{ID: "h", Active: true}})
		if rowsString(r.New) != "d/-:create" {
			t.Fatalf("new = %s", rowsString(r.New))
		}
	})
	t.Run("empty inputs", func(t *testing.T) {
		if r := Reconcile(nil, nil); len(r.New)+len(r.Existing)+len(r.Deleted) != 0 {
			t.Fatalf("%+v", r)
		}
	})
}

// population builds n directory users and n host users: a quarter new, a
// half existing, a quarter of the hosts deleted from the directory.
func population(n int) ([]DirectoryUser, []HostUser) {
	dir := make([]DirectoryUser, 0, n)
	host := make([]HostUser, 0, n)
	for i := range n {
		id := fmt.Sprintf("00u%08dAbCdEf", i)
		dir = append(dir, DirectoryUser{ID: id, Email: fmt.Sprintf("User%d@Example.com", i), Active: i%50 != 0})
		switch i % 4 {
		case 0, 1:
			host = append(host, HostUser{ID: fmt.Sprint("h", i), ExternalID: id, Active: true})
		case 2:
			host = append(host, HostUser{ID: fmt.Sprint("h", i), Email: fmt.Sprintf("user%d@example.com", i), Active: true})
		case 3:
			host = append(host, HostUser{ID: fmt.Sprint("h", i), ExternalID: fmt.Sprintf("gone%d", i), Active: true})
		}
	}
	return dir, host
}

func TestReconcilePopulation(t *testing.T) {
	dir, host := population(1000)
	r := Reconcile(dir, host)
	if len(r.Existing)+len(r.New)+len(r.Deleted) == 0 || len(r.Deleted) < 250 || len(r.Existing) < 480 {
		t.Fatalf("new %d existing %d deleted %d", len(r.New), len(r.Existing), len(r.Deleted))
	}
	for _, row := range r.New {
		if row.Action == ActionLink && !strings.EqualFold(row.Host.Email, row.Directory.Email) {
			t.Fatalf("link suggested across emails: %+v", row)
		}
	}
}

func BenchmarkReconcile(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		dir, host := population(n)
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			start := cpuTime()
			for b.Loop() {
				Reconcile(dir, host)
			}
			reportCPU(b, start)
		})
		// The floor: the two map builds and one lookup per directory user
		// that any linear reconciliation needs, with nothing else.
		b.Run(fmt.Sprintf("floor/users=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			start := cpuTime()
			for b.Loop() {
				m := make(map[string]int, len(host))
				for i := range host {
					m[host[i].ExternalID] = i
				}
				seen := make(map[string]struct{}, len(dir))
				hits := 0
				for i := range dir {
					seen[dir[i].ID] = struct{}{}
					if _, ok := m[dir[i].ID]; ok {
						hits++
					}
				}
				_ = hits
			}
			reportCPU(b, start)
		})
	}
}
