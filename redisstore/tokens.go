package redisstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ssokit/ssokit/groupsync"
)

// tokenKeys names the five keys that hold refresh tokens. They share the
// hash tag {prefix} so that a Redis Cluster keeps them in one slot, which
// the Lua scripts need.
//
//	sealed  hash  user id -> TokenRecord.Sealed
//	meta    hash  user id -> JSON of Connection, Mode, Failures, Revoked
//	at      hash  user id -> time key of NextAt
//	due     zset  "<time key>:<user id>", all scores 0, ordered by NextAt
//	claims  hash  user id -> claims since the last Put or Replace (absent: 0)
type tokenKeys struct {
	sealed, meta, at, due, claims string
}

func newTokenKeys(prefix string) tokenKeys {
	base := prefix + "tokens:{" + prefix + "}:"
	return tokenKeys{sealed: base + "sealed", meta: base + "meta", at: base + "at", due: base + "due", claims: base + "claims"}
}

func (k tokenKeys) list() []string { return []string{k.sealed, k.meta, k.at, k.due, k.claims} }

// TokenKeys returns the Redis keys that hold the refresh-token records.
func (s *Store) TokenKeys() []string { return s.keys.list() }

// meta is the stored form of a record's fields other than UserID, Sealed
// and NextAt.
type meta struct {
	Connection string         `json:"c"`
	Mode       groupsync.Mode `json:"m"`
	Failures   int            `json:"f"`
	Revoked    bool           `json:"r,omitempty"`
}

// putScript stores a record. With ARGV[5] == "1" it first checks that the
// stored sealed token equals ARGV[6] (Replace). Returns 1 on success, 0
// when there is no record, -1 on a mismatch.
var putScript = redis.NewScript(`
local uid = ARGV[1]
if ARGV[5] == "1" then
  local cur = redis.call("HGET", KEYS[1], uid)
  if not cur then return 0 end
  if cur ~= ARGV[6] then return -1 end
end
local old = redis.call("HGET", KEYS[3], uid)
if old then redis.call("ZREM", KEYS[4], old .. ":" .. uid) end
redis.call("HSET", KEYS[1], uid, ARGV[2])
redis.call("HSET", KEYS[2], uid, ARGV[3])
redis.call("HSET", KEYS[3], uid, ARGV[4])
redis.call("ZADD", KEYS[4], 0, ARGV[4] .. ":" .. uid)
if ARGV[7] == "0" then redis.call("HDEL", KEYS[5], uid) else redis.call("HSET", KEYS[5], uid, ARGV[7]) end
return 1
`)

// removeScript deletes a record if its sealed token equals ARGV[2].
var removeScript = redis.NewScript(`
local uid = ARGV[1]
local cur = redis.call("HGET", KEYS[1], uid)
if not cur then return 0 end
if cur ~= ARGV[2] then return -1 end
local old = redis.call("HGET", KEYS[3], uid)
if old then redis.call("ZREM", KEYS[4], old .. ":" .. uid) end
redis.call("HDEL", KEYS[1], uid)
redis.call("HDEL", KEYS[2], uid)
redis.call("HDEL", KEYS[3], uid)
redis.call("HDEL", KEYS[5], uid)
return 1
`)

// claimScript takes up to ARGV[3] members of the due index whose time key
// is <= ARGV[1], moves them to ARGV[2], counts the claim and returns, per
// record, the user id, the old time key, the sealed token, the meta JSON
// and the claim count.
var claimScript = redis.NewScript(`
local ms = redis.call("ZRANGEBYLEX", KEYS[4], "-", "(" .. ARGV[1] .. ";", "LIMIT", 0, tonumber(ARGV[3]))
local out = {}
for _, m in ipairs(ms) do
  local uid = string.sub(m, 30)
  redis.call("ZREM", KEYS[4], m)
  redis.call("ZADD", KEYS[4], 0, ARGV[2] .. ":" .. uid)
  redis.call("HSET", KEYS[3], uid, ARGV[2])
  out[#out + 1] = uid
  out[#out + 1] = string.sub(m, 1, 28)
  out[#out + 1] = redis.call("HGET", KEYS[1], uid) or ""
  out[#out + 1] = redis.call("HGET", KEYS[2], uid) or ""
  out[#out + 1] = tostring(redis.call("HINCRBY", KEYS[5], uid, 1))
end
return out
`)

// Put implements groupsync.TokenStore: it stores or overwrites the user's
// record.
func (s *Store) Put(ctx context.Context, rec groupsync.TokenRecord) error {
	_, err := s.put(ctx, "put", rec, false, nil)
	return err
}

// Replace implements groupsync.TokenStore: it stores rec if the user's
// stored Sealed equals old, else returns groupsync.ErrTokenConflict or
// groupsync.ErrTokenNotFound. Check and write are one Lua script.
func (s *Store) Replace(ctx context.Context, old []byte, rec groupsync.TokenRecord) error {
	res, err := s.put(ctx, "replace", rec, true, old)
	if err != nil {
		return err
	}
	return casResult(res)
}

func (s *Store) put(ctx context.Context, op string, rec groupsync.TokenRecord, cas bool, old []byte) (int64, error) {
	m, err := json.Marshal(meta{Connection: rec.Connection, Mode: rec.Mode, Failures: rec.Failures, Revoked: rec.Revoked})
	if err != nil {
		return 0, fmt.Errorf("redisstore: %s: encode record: %w", op, err)
	}
	flag := "0"
	if cas {
		flag = "1"
	}
	ctx, cancel := s.call(ctx)
	defer cancel()
	res, err := putScript.Run(ctx, s.client, s.keys.list(),
		rec.UserID, rec.Sealed, m, timeKey(rec.NextAt), flag, old, strconv.Itoa(max(rec.ClaimCount, 0))).Int64()
	if err != nil {
		return 0, unavailable(op, err)
	}
	return res, nil
}

// Remove implements groupsync.TokenStore: it deletes the user's record if
// its Sealed equals old, else returns groupsync.ErrTokenConflict or
// groupsync.ErrTokenNotFound.
func (s *Store) Remove(ctx context.Context, userID string, old []byte) error {
	ctx, cancel := s.call(ctx)
	defer cancel()
	res, err := removeScript.Run(ctx, s.client, s.keys.list(), userID, old).Int64()
	if err != nil {
		return unavailable("remove", err)
	}
	return casResult(res)
}

func casResult(res int64) error {
	switch res {
	case 1:
		return nil
	case 0:
		return groupsync.ErrTokenNotFound
	}
	return groupsync.ErrTokenConflict
}

// Claim implements groupsync.TokenStore: in one Lua script it takes up to
// limit records with NextAt <= now, oldest due first, and moves their
// NextAt to leaseUntil, so that no other instance claims them until then.
// The returned records carry the NextAt they had before the claim, in UTC,
// and their claim count after it (TokenRecord.ClaimCount; Put and Replace set
// it to the record's value, which the worker keeps at 0).
// The script blocks Redis while it runs, so keep limit in the hundreds or
// low thousands. A limit of zero returns nothing; a negative one is an
// error.
func (s *Store) Claim(ctx context.Context, now, leaseUntil time.Time, limit int) ([]groupsync.TokenRecord, error) {
	if limit < 0 {
		return nil, fmt.Errorf("redisstore: claim: negative limit %d", limit)
	}
	if limit == 0 {
		return nil, nil
	}
	ctx, cancel := s.call(ctx)
	defer cancel()
	raw, err := claimScript.Run(ctx, s.client, s.keys.list(), timeKey(now), timeKey(leaseUntil), limit).StringSlice()
	if err != nil {
		return nil, unavailable("claim", err)
	}
	return decodeClaim(raw)
}

// decodeClaim turns the claim script's flat reply into records.
func decodeClaim(raw []string) ([]groupsync.TokenRecord, error) {
	if len(raw)%5 != 0 {
		return nil, &CorruptError{Reason: "claim reply of odd length"}
	}
	out := make([]groupsync.TokenRecord, 0, len(raw)/5)
	for i := 0; i < len(raw); i += 5 {
		rec, err := decodeRecord(raw[i], raw[i+1], raw[i+2], raw[i+3])
		if err != nil {
			return nil, err
		}
		if rec.ClaimCount, err = strconv.Atoi(raw[i+4]); err != nil || rec.ClaimCount < 1 {
			return nil, &CorruptError{UserID: raw[i], Reason: "bad claim count"}
		}
		out = append(out, rec)
	}
	return out, nil
}

func decodeRecord(uid, at, sealed, metaJSON string) (groupsync.TokenRecord, error) {
	next, ok := parseTimeKey(at)
	if !ok {
		return groupsync.TokenRecord{}, &CorruptError{UserID: uid, Reason: "bad time key"}
	}
	var m meta
	if err := json.Unmarshal([]byte(metaJSON), &m); err != nil {
		return groupsync.TokenRecord{}, &CorruptError{UserID: uid, Reason: "bad metadata"}
	}
	return groupsync.TokenRecord{
		UserID:     uid,
		Connection: m.Connection,
		Mode:       m.Mode,
		Sealed:     []byte(sealed),
		NextAt:     next,
		Failures:   m.Failures,
		Revoked:    m.Revoked,
	}, nil
}
