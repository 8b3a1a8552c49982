package sqlstore

import (
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// Dialect names a supported SQL database.
type Dialect string

const (
	// SQLite is the embedded default, through the pure-Go driver
	// modernc.org/sqlite (registered as "sqlite"; no cgo).
	SQLite Dialect = "sqlite"
	// Postgres is PostgreSQL through pgx's database/sql driver
	// (registered as "pgx").
	Postgres Dialect = "postgres"
)

// driver returns the database/sql driver name.
func (d Dialect) driver() string {
	if d == Postgres {
		return "pgx"
	}
	return "sqlite"
}

// rebind turns ? placeholders into $1, $2, ... for PostgreSQL. Queries
// are constants of this package and hold no ? inside literals.
func (d Dialect) rebind(q string) string {
	if d != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] != '?' {
			b.WriteByte(q[i])
			continue
		}
		n++
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(n))
	}
	return b.String()
}

// forUpdate is the row-lock suffix of a SELECT (SQLite serialises
// writers and has none).
func (d Dialect) forUpdate() string {
	if d == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// isUniqueViolation reports whether err is a unique or primary key
// constraint violation.
func isUniqueViolation(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505"
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		// SQLITE_CONSTRAINT_PRIMARYKEY (1555), SQLITE_CONSTRAINT_UNIQUE (2067)
		return lite.Code() == 1555 || lite.Code() == 2067
	}
	return false
}
