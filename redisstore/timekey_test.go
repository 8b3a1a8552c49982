package redisstore

import (
	"errors"
	"math"
	"testing"
	"time"
)

func TestTimeKeyOrderAndRoundTrip(t *testing.T) {
	times := []time.Time{
		{},
		time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Unix(0, 0),
		time.Date(2026, 11, 23, 12, 0, 0, 123456789, time.FixedZone("x", 3600)),
		time.Date(2026, 11, 23, 12, 0, 0, 123456790, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
	}
	for i, tm := range times {
		k := timeKey(tm)
		if len(k) != timeKeyLen {
			t.Fatalf("timeKey(%v) = %q, want %d bytes", tm, k, timeKeyLen)
		}
		back, ok := parseTimeKey(k)
		if !ok || !back.Equal(tm) {
			t.Fatalf("parseTimeKey(timeKey(%v)) = %v, %v", tm, back, ok)
		}
		if i > 0 && timeKey(times[i-1]) >= k {
			t.Fatalf("timeKey does not sort: %v >= %v", times[i-1], tm)
		}
	}
	if timeKey(time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC)) != timeKey(time.Time{}) {
		t.Fatal("instants before year 1 are not clamped to year 1")
	}
	if timeKey(time.Unix(math.MaxInt64-1, 0)) <= timeKey(times[len(times)-1]) {
		t.Fatal("far-future instants do not sort last")
	}
}

func TestDecodeRecordRejectsCorruptData(t *testing.T) {
	good := timeKey(time.Unix(1, 0))
	tests := []struct{ name, at, meta string }{
		{"short time key", "123", `{}`},
		{"non-digit time key", "x" + good[1:], `{}`},
		{"empty metadata", good, ""},
		{"metadata not JSON", good, "{"},
		{"metadata of the wrong type", good, `{"m":"strict"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeRecord("u", tt.at, "s", tt.meta)
			var ce *CorruptError
			if !errors.Is(err, ErrCorrupt) || !errors.As(err, &ce) || ce.UserID != "u" {
				t.Fatalf("decodeRecord = %v, want *CorruptError for u", err)
			}
		})
	}
	if _, err := decodeClaim([]string{"u", good, "s"}); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("decodeClaim of a partial reply = %v, want ErrCorrupt", err)
	}
}

// FuzzDecodeRecord feeds arbitrary stored data (another program may write
// under the prefix) to the decoder: it must return a record or an error,
// never panic, and a decoded time key must render back to itself.
func FuzzDecodeRecord(f *testing.F) {
	f.Add(timeKey(time.Unix(1700000000, 5)), []byte("sealed"), `{"c":"okta","m":2,"f":1,"r":true}`)
	f.Add("9999999999999999999999999999", []byte{0, 0xff}, `{"f":-1}`)
	f.Add("", []byte(nil), "null")
	f.Fuzz(func(t *testing.T, at string, sealed []byte, meta string) {
		rec, err := decodeRecord("u", at, string(sealed), meta)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v is not ErrCorrupt", err)
			}
			return
		}
		if got := timeKey(rec.NextAt); got != at {
			t.Fatalf("time key %q decoded to %v, which renders as %q", at, rec.NextAt, got)
		}
	})
}
