package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ssokit/ssokit/domains"
	"github.com/ssokit/ssokit/sqlstore"
)

// insertVerified is a verified row written by plain SQL, as another
// instance (or a hand-made fix) could.
const insertVerified = `INSERT INTO ssokit_domains (tenant, name, state, token, strategy, operator, reason,
	include_subdomains, created_at, pending_since, verified_at, last_checked_at, last_result, misses, first_miss_at, version)
	VALUES ('%s', 'race.example', 'verified', 't', 'dns', '', '', FALSE, 0, 0, 0, 0, '', 0, 0, 1)`

func rawDB(t *testing.T, b backend) *sql.DB {
	t.Helper()
	driver := "sqlite"
	if b.dialect == sqlstore.Postgres {
		driver = "pgx"
	}
	db, err := sql.Open(driver, b.dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// The database itself, not only the store's check, refuses a second
// verified holder of a name.
func TestDomainSchemaAllowsOneVerifiedHolder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		b.open(t, newRing(t, newKey(t, "k1"))) // runs the migrations
		db := rawDB(t, b)
		if _, err := db.Exec(fmt.Sprintf(insertVerified, "a")); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(fmt.Sprintf(insertVerified, "b")); err == nil {
			t.Fatal("the schema stored two verified holders of race.example")
		}
	})
}

// A verification whose conflict check ran before another instance
// committed its verified row is stopped by the unique index and reported
// as a conflict naming the holder. PostgreSQL only: SQLite serialises
// writers, so the check always sees the committed row.
func TestDomainVerificationLosingToTheIndexIsAConflict(t *testing.T) {
	ctx := context.Background()
	b := newPostgres(t)
	ds := b.open(t, newRing(t, newKey(t, "k1"))).Domains()
	d, err := ds.Create(ctx, domains.Domain{Tenant: "b", Name: "race.example", State: domains.Pending})
	if err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, b)
	other, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Rollback()
	if _, err := other.Exec(fmt.Sprintf(insertVerified, "a")); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		d.State = domains.Verified
		_, err := ds.Update(ctx, d)
		done <- err
	}()
	waitForLockWait(t, db, done)
	if err := other.Commit(); err != nil {
		t.Fatal(err)
	}
	err = <-done
	var ce *domains.ConflictError
	if !errors.As(err, &ce) || ce.Holder != "a" || ce.Tenant != "b" {
		t.Fatalf("Update = %v; want a ConflictError held by a", err)
	}
}

// waitForLockWait returns once a session waits on a lock (the store's
// UPDATE behind the uncommitted verified row); it fails if the update
// finishes first or nothing waits within 30 seconds.
func waitForLockWait(t *testing.T, db *sql.DB, done chan error) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("the update did not wait for the other verified row: %v", err)
		default:
		}
		var n int
		err := db.QueryRow(`SELECT COUNT(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE ssokit_domains%'`).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
	}
	t.Fatal("no session waited on the verified-name index")
}
