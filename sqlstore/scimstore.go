package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ssokit/ssokit/scim"
)

// SCIMStore is the scim.Store of a [Store]: SCIM resources per tenant,
// each row holding the resource's attributes as JSON. Filters and sort
// orders are evaluated by package scim's matcher and sorter over the
// tenant's resources of one type, so results equal scim.MemoryStore's.
type SCIMStore struct{ s *Store }

// SCIM returns the store's scim.Store.
func (s *Store) SCIM() *SCIMStore { return &SCIMStore{s: s} }

var _ scim.Store = (*SCIMStore)(nil)

// userNameKey is the case-insensitive uniqueness key of a User's
// userName (simple Unicode case folding, as scim.MemoryStore), or nil.
func userNameKey(r *scim.Resource) any {
	if r.Type != scim.UserType || r.UserName() == "" {
		return nil
	}
	return foldKey(r.UserName())
}

// foldKey maps every rune to the smallest rune of its simple case
// folding orbit, so two names equal under case folding share a key.
func foldKey(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); {
		c, n := utf8.DecodeRuneInString(name[i:])
		i += n
		low := c
		for f := unicode.SimpleFold(c); f != c; f = unicode.SimpleFold(f) {
			low = min(low, f)
		}
		b.WriteRune(low)
	}
	return b.String()
}

// Create implements scim.Store.
func (st *SCIMStore) Create(ctx context.Context, tenant string, r *scim.Resource) error {
	s := st.s
	attrs, err := json.Marshal(r.Attrs)
	if err != nil {
		return fmt.Errorf("sqlstore: encode %s: %w", r.Type, err)
	}
	_, err = s.db.ExecContext(ctx, s.q(`INSERT INTO ssokit_scim_resources
		(tenant, type, id, username_key, version, created_at, modified_at, attrs) VALUES (?, ?, ?, ?, 1, ?, ?, ?)`),
		tenant, r.Type, r.ID, userNameKey(r), nanos(r.Created), nanos(r.LastModified), string(attrs))
	if isUniqueViolation(err) {
		return fmt.Errorf("%s %q or its userName exists: %w", r.Type, r.ID, scim.ErrUniqueness)
	} else if err != nil {
		return wrapWrite(err)
	}
	r.Version = 1
	return nil
}

// Get implements scim.Store.
func (st *SCIMStore) Get(ctx context.Context, tenant, typ, id string) (*scim.Resource, error) {
	return st.get(ctx, st.s.db, tenant, typ, id, "")
}

const resourceColumns = "type, id, version, created_at, modified_at, attrs"

func (st *SCIMStore) get(ctx context.Context, q querier, tenant, typ, id, lock string) (*scim.Resource, error) {
	row := q.QueryRowContext(ctx, st.s.q("SELECT "+resourceColumns+" FROM ssokit_scim_resources WHERE tenant = ? AND type = ? AND id = ?"+lock), tenant, typ, id)
	r, err := scanResource(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s %q: %w", typ, id, scim.ErrNotFound)
	}
	return r, err
}

type scanner interface{ Scan(dest ...any) error }

func scanResource(row scanner) (*scim.Resource, error) {
	r := &scim.Resource{}
	var created, modified int64
	var attrs string
	if err := row.Scan(&r.Type, &r.ID, &r.Version, &created, &modified, &attrs); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		return nil, fmt.Errorf("sqlstore: read SCIM resource: %w", err)
	}
	r.Created, r.LastModified = fromNanos(created), fromNanos(modified)
	if err := json.Unmarshal([]byte(attrs), &r.Attrs); err != nil {
		return nil, fmt.Errorf("sqlstore: decode SCIM resource %q: %w", r.ID, err)
	}
	return r, nil
}

// Replace implements scim.Store.
func (st *SCIMStore) Replace(ctx context.Context, tenant string, r *scim.Resource, expected int64) error {
	s := st.s
	attrs, err := json.Marshal(r.Attrs)
	if err != nil {
		return fmt.Errorf("sqlstore: encode %s: %w", r.Type, err)
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		cur, err := st.get(ctx, tx, tenant, r.Type, r.ID, s.dialect.forUpdate())
		if err != nil {
			return err
		}
		if cur.Version != expected {
			return fmt.Errorf("%s %q has version %d, not %d: %w", r.Type, r.ID, cur.Version, expected, scim.ErrVersionMismatch)
		}
		res, err := tx.ExecContext(ctx, s.q(`UPDATE ssokit_scim_resources SET username_key = ?, version = ?, created_at = ?, modified_at = ?, attrs = ?
			WHERE tenant = ? AND type = ? AND id = ? AND version = ?`),
			userNameKey(r), expected+1, nanos(r.Created), nanos(r.LastModified), string(attrs), tenant, r.Type, r.ID, expected)
		if isUniqueViolation(err) {
			return fmt.Errorf("userName %q: %w", r.UserName(), scim.ErrUniqueness)
		}
		if err := checkCAS(res, err, fmt.Errorf("%s %q: %w", r.Type, r.ID, scim.ErrVersionMismatch)); err != nil {
			return err
		}
		r.Version = expected + 1
		return nil
	})
}

// Delete implements scim.Store. Deleting a User also removes it from the
// members of the tenant's groups (their versions increase).
func (st *SCIMStore) Delete(ctx context.Context, tenant, typ, id string) error {
	s := st.s
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q("DELETE FROM ssokit_scim_resources WHERE tenant = ? AND type = ? AND id = ?"), tenant, typ, id)
		if err := checkCAS(res, err, fmt.Errorf("%s %q: %w", typ, id, scim.ErrNotFound)); err != nil {
			return err
		}
		return st.removeMember(ctx, tx, tenant, id)
	})
}

// removeMember drops id from the members of every group of the tenant.
func (st *SCIMStore) removeMember(ctx context.Context, tx *sql.Tx, tenant, id string) error {
	s := st.s
	// Prefilter on the JSON text (a superset: LIKE may ignore case);
	// MemberIDs decides.
	needle, _ := json.Marshal(id)
	groups, err := st.scan(ctx, tx, tenant, scim.GroupType, `attrs LIKE ? ESCAPE '\'`, "%"+escapeLike(string(needle))+"%")
	if err != nil {
		return err
	}
	for _, g := range groups {
		if !slices.Contains(g.MemberIDs(), id) {
			continue
		}
		members, _ := g.Attrs["members"].([]any)
		members = slices.DeleteFunc(slices.Clone(members), func(m any) bool {
			mm, _ := m.(map[string]any)
			return mm["value"] == id
		})
		if len(members) == 0 {
			delete(g.Attrs, "members")
		} else {
			g.Attrs["members"] = members
		}
		attrs, err := json.Marshal(g.Attrs)
		if err != nil {
			return fmt.Errorf("sqlstore: encode group: %w", err)
		}
		_, err = tx.ExecContext(ctx, s.q("UPDATE ssokit_scim_resources SET version = version + 1, attrs = ? WHERE tenant = ? AND type = ? AND id = ?"),
			string(attrs), tenant, scim.GroupType, g.ID)
		if err != nil {
			return wrapWrite(err)
		}
	}
	return nil
}

// scan reads the resources of a type of a tenant, in creation order,
// optionally narrowed by one more condition (see narrow).
func (st *SCIMStore) scan(ctx context.Context, q querier, tenant, typ, where string, arg any) ([]*scim.Resource, error) {
	args := []any{tenant, typ}
	if where != "" {
		where = " AND " + where
		args = append(args, arg)
	}
	rows, err := q.QueryContext(ctx, st.s.q("SELECT "+resourceColumns+" FROM ssokit_scim_resources WHERE tenant = ? AND type = ?"+where+" ORDER BY seq"), args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list SCIM resources: %w", err)
	}
	defer rows.Close()
	var out []*scim.Resource
	for rows.Next() {
		r, err := scanResource(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// List implements scim.Store.
func (st *SCIMStore) List(ctx context.Context, tenant, typ string, q scim.Query) (*scim.Page, error) {
	var match scim.Matcher
	var sorter func(a, b *scim.Resource) int
	var err error
	if q.Filter != nil {
		if match, err = scim.NewMatcher(q.Filter, typ); err != nil {
			return nil, err
		}
	}
	if q.SortBy != nil {
		if sorter, err = scim.NewSorter(*q.SortBy, typ, q.SortOrder); err != nil {
			return nil, err
		}
	}
	if q.Filter == nil && q.SortBy == nil {
		return st.page(ctx, tenant, typ, q)
	}
	where, arg := narrow(q.Filter, typ)
	all, err := st.scan(ctx, st.s.db, tenant, typ, where, arg)
	if err != nil {
		return nil, err
	}
	hits := all[:0]
	for _, r := range all {
		if match == nil || match(r) {
			hits = append(hits, r)
		}
	}
	if sorter != nil {
		slices.SortStableFunc(hits, sorter)
	}
	p := &scim.Page{TotalResults: len(hits)}
	start := max(q.StartIndex, 1) - 1
	if start < len(hits) && q.Count > 0 {
		p.Resources = hits[start:min(start+q.Count, len(hits))]
	}
	return p, nil
}

// page answers an unfiltered list in creation order from the database:
// a count and one LIMIT/OFFSET page, so paging through a large tenant
// does not decode every resource per page.
func (st *SCIMStore) page(ctx context.Context, tenant, typ string, q scim.Query) (*scim.Page, error) {
	s := st.s
	p := &scim.Page{}
	err := s.db.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM ssokit_scim_resources WHERE tenant = ? AND type = ?"), tenant, typ).Scan(&p.TotalResults)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: count SCIM resources: %w", err)
	}
	start := max(q.StartIndex, 1) - 1
	if q.Count <= 0 || start >= p.TotalResults {
		return p, nil
	}
	rows, err := s.db.QueryContext(ctx, s.q("SELECT "+resourceColumns+" FROM ssokit_scim_resources WHERE tenant = ? AND type = ? ORDER BY seq LIMIT ? OFFSET ?"),
		tenant, typ, q.Count, start)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list SCIM resources: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanResource(rows)
		if err != nil {
			return nil, err
		}
		p.Resources = append(p.Resources, r)
	}
	return p, rows.Err()
}

// narrow returns an indexed condition that every resource matching f
// satisfies, for the lookups provisioning clients send on every call
// (userName eq "..." and id eq "..."), or "" to scan. The matcher still
// runs on what the condition returns.
func narrow(f scim.Filter, typ string) (string, any) {
	switch e := f.(type) {
	case *scim.AttrExpr:
		v, ok := e.Value.(string)
		if !ok || e.Op != scim.OpEq || e.Path.URI != "" || e.Path.Sub != "" {
			return "", nil
		}
		switch {
		case e.Path.Name == "id":
			return "id = ?", v
		case e.Path.Name == "userName" && typ == scim.UserType:
			return "username_key = ?", foldKey(v)
		}
	case *scim.LogicalExpr:
		if e.Op != scim.And {
			return "", nil
		}
		if where, arg := narrow(e.Left, typ); where != "" {
			return where, arg
		}
		return narrow(e.Right, typ)
	}
	return "", nil
}

// escapeLike escapes LIKE's wildcards with a backslash.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
