package sqlstore_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ssokit/ssokit/sqlstore"
)

// pg is the PostgreSQL server the first test that needs it starts (so
// fuzz workers and SQLite-only runs start none); TestMain stops it.
var pg struct {
	once    sync.Once
	dsn     string // base URL without database
	skipped string
	stop    func()
	dbs     atomic.Int64
}

func TestMain(m *testing.M) {
	code := m.Run()
	if pg.stop != nil {
		pg.stop()
	}
	os.Exit(code)
}

// pgBinDir finds initdb and pg_ctl on PATH or under
// /usr/lib/postgresql/<version>/bin.
func pgBinDir() (string, error) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Dir(real), nil
		}
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	if len(matches) == 0 {
		return "", fmt.Errorf("PostgreSQL binaries (initdb, pg_ctl) not found; install Debian's postgresql package (.ci/setup.d/40-postgres.sh)")
	}
	return filepath.Dir(matches[len(matches)-1]), nil
}

// startPostgres initialises a throw-away cluster in a temp dir and starts
// it on a free port, as the postgres user when running as root
// (PostgreSQL refuses to run as root).
func startPostgres() (func(), error) {
	bin, err := pgBinDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "sqlstore-pg-")
	if err != nil {
		return nil, err
	}
	var prefix []string
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("running as root and no postgres user: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		prefix = []string{"runuser", "-u", "postgres", "--"}
	}
	run := func(args ...string) error {
		full := append(append([]string{}, prefix...), args...)
		var out bytes.Buffer
		cmd := exec.Command(full[0], full[1:]...)
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%v: %v\n%s", args, err, out.String())
		}
		return nil
	}
	data := filepath.Join(dir, "data")
	if err := run(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	opts := fmt.Sprintf("-k %s -p %d -h 127.0.0.1 -F", dir, port)
	if err := run(filepath.Join(bin, "pg_ctl"), "-D", data, "-w", "-l", filepath.Join(dir, "log"), "-o", opts, "start"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	pg.dsn = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/", port)
	return func() {
		run(filepath.Join(bin, "pg_ctl"), "-D", data, "-m", "immediate", "stop")
		os.RemoveAll(dir)
	}, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// newKey returns a random key with the given id.
func newKey(t testing.TB, id string) sqlstore.Key {
	t.Helper()
	k := sqlstore.Key{ID: id, Secret: make([]byte, sqlstore.KeySize)}
	if _, err := rand.Read(k.Secret); err != nil {
		t.Fatal(err)
	}
	return k
}

func newRing(t testing.TB, current sqlstore.Key, older ...sqlstore.Key) *sqlstore.KeyRing {
	t.Helper()
	r, err := sqlstore.NewKeyRing(current, older...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// backend is a fresh, empty database of one dialect.
type backend struct {
	dialect sqlstore.Dialect
	dsn     string
}

// open opens a Store on the backend's database with the given keys.
func (b backend) open(t testing.TB, keys *sqlstore.KeyRing) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Open(context.Background(), sqlstore.Config{Dialect: b.dialect, DSN: b.dsn, Keys: keys})
	if err != nil {
		t.Fatalf("Open(%s): %v", b.dialect, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// newSQLite returns a backend on a new SQLite file in a temp dir.
func newSQLite(t testing.TB) backend {
	return backend{dialect: sqlstore.SQLite, dsn: filepath.Join(t.TempDir(), "ssokit.db")}
}

// newPostgres returns a backend on a new database of the test server,
// skipping (or failing under CI) when there is no server.
func newPostgres(t testing.TB) backend {
	t.Helper()
	pg.once.Do(func() {
		var err error
		if pg.stop, err = startPostgres(); err != nil {
			pg.skipped = err.Error()
		}
	})
	if pg.dsn == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("PostgreSQL required under CI: %s", pg.skipped)
		}
		t.Skipf("skipping PostgreSQL: %s", pg.skipped)
	}
	name := fmt.Sprintf("t%d", pg.dbs.Add(1))
	admin, err := sql.Open("pgx", pg.dsn+"postgres?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	return backend{dialect: sqlstore.Postgres, dsn: pg.dsn + name + "?sslmode=disable"}
}

// forEachBackend runs f against SQLite in a temp file and PostgreSQL.
func forEachBackend(t *testing.T, f func(t *testing.T, b backend)) {
	t.Run("sqlite", func(t *testing.T) { f(t, newSQLite(t)) })
	t.Run("postgres", func(t *testing.T) { f(t, newPostgres(t)) })
}

// newStores runs f against a fresh Store per backend with one key.
func forEachStore(t *testing.T, f func(t *testing.T, s *sqlstore.Store)) {
	forEachBackend(t, func(t *testing.T, b backend) {
		f(t, b.open(t, newRing(t, newKey(t, "k1"))))
	})
}
