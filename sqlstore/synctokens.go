package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ssokit/ssokit/groupsync"
)

// SyncTokens is the groupsync.TokenStore of a [Store]: sealed refresh
// tokens and their refresh schedule. Claim leases due rows with
// SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL, so several instances
// never hand the same user to two workers.
type SyncTokens struct{ s *Store }

// SyncTokens returns the store's groupsync.TokenStore.
func (s *Store) SyncTokens() *SyncTokens { return &SyncTokens{s: s} }

var _ groupsync.TokenStore = (*SyncTokens)(nil)

const syncColumns = "user_id, connection, mode, sealed, next_at, failures, revoked, claim_count"

// Put implements groupsync.TokenStore.
func (st *SyncTokens) Put(ctx context.Context, rec groupsync.TokenRecord) error {
	_, err := st.s.db.ExecContext(ctx, st.s.q(`INSERT INTO ssokit_sync_tokens (`+syncColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET connection = excluded.connection, mode = excluded.mode, sealed = excluded.sealed,
		next_at = excluded.next_at, failures = excluded.failures, revoked = excluded.revoked, claim_count = excluded.claim_count`), syncValues(rec)...)
	return wrapWrite(err)
}

func syncValues(r groupsync.TokenRecord) []any {
	sealed := r.Sealed
	if sealed == nil {
		sealed = []byte{}
	}
	return []any{[]byte(r.UserID), []byte(r.Connection), int64(r.Mode), sealed, nanos(r.NextAt), r.Failures, r.Revoked, r.ClaimCount}
}

// Claim implements groupsync.TokenStore: up to limit records due at now,
// oldest first, each moved to leaseUntil and its claim count raised by one
// in the same transaction. The records are returned with the NextAt they
// had before the lease and the raised claim count.
func (st *SyncTokens) Claim(ctx context.Context, now, leaseUntil time.Time, limit int) ([]groupsync.TokenRecord, error) {
	s := st.s
	if limit <= 0 {
		return nil, nil
	}
	lock := ""
	if s.dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var out []groupsync.TokenRecord
	err := s.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, s.q("SELECT "+syncColumns+" FROM ssokit_sync_tokens WHERE next_at <= ? ORDER BY next_at, user_id LIMIT ?"+lock),
			nanos(now), limit)
		if err != nil {
			return fmt.Errorf("sqlstore: claim: %w", err)
		}
		out, err = scanSyncRows(rows)
		if err != nil {
			return err
		}
		for i, r := range out {
			_, err := tx.ExecContext(ctx, s.q("UPDATE ssokit_sync_tokens SET next_at = ?, claim_count = claim_count + 1 WHERE user_id = ?"),
				nanos(leaseUntil), []byte(r.UserID))
			if err != nil {
				return wrapWrite(err)
			}
			out[i].ClaimCount++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func scanSyncRows(rows *sql.Rows) ([]groupsync.TokenRecord, error) {
	defer rows.Close()
	var out []groupsync.TokenRecord
	for rows.Next() {
		var r groupsync.TokenRecord
		var user, conn []byte
		var mode, next int64
		if err := rows.Scan(&user, &conn, &mode, &r.Sealed, &next, &r.Failures, &r.Revoked, &r.ClaimCount); err != nil {
			return nil, fmt.Errorf("sqlstore: claim: %w", err)
		}
		r.UserID, r.Connection, r.Mode, r.NextAt = string(user), string(conn), groupsync.Mode(mode), fromNanos(next)
		out = append(out, r)
	}
	return out, rows.Err()
}

// Replace implements groupsync.TokenStore: compare-and-swap on Sealed.
func (st *SyncTokens) Replace(ctx context.Context, old []byte, rec groupsync.TokenRecord) error {
	v := syncValues(rec)
	res, err := st.s.db.ExecContext(ctx, st.s.q(`UPDATE ssokit_sync_tokens SET connection = ?, mode = ?, sealed = ?, next_at = ?,
		failures = ?, revoked = ?, claim_count = ? WHERE user_id = ? AND sealed = ?`), append(v[1:], v[0], nonNil(old))...)
	return st.casResult(ctx, rec.UserID, res, err)
}

// Remove implements groupsync.TokenStore: compare-and-swap on Sealed.
func (st *SyncTokens) Remove(ctx context.Context, userID string, old []byte) error {
	res, err := st.s.db.ExecContext(ctx, st.s.q("DELETE FROM ssokit_sync_tokens WHERE user_id = ? AND sealed = ?"), []byte(userID), nonNil(old))
	return st.casResult(ctx, userID, res, err)
}

// casResult tells a missing record (ErrTokenNotFound) from a changed one
// (ErrTokenConflict) when a compare-and-swap matched no row.
func (st *SyncTokens) casResult(ctx context.Context, userID string, res sql.Result, err error) error {
	if err := checkCAS(res, err, groupsync.ErrTokenConflict); !errors.Is(err, groupsync.ErrTokenConflict) {
		return err
	}
	var n int
	if err := st.s.db.QueryRowContext(ctx, st.s.q("SELECT COUNT(*) FROM ssokit_sync_tokens WHERE user_id = ?"), []byte(userID)).Scan(&n); err != nil {
		return fmt.Errorf("sqlstore: read token: %w", err)
	}
	if n == 0 {
		return groupsync.ErrTokenNotFound
	}
	return groupsync.ErrTokenConflict
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
