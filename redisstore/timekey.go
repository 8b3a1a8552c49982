package redisstore

import (
	"math"
	"strconv"
	"time"
)

// A time key is a fixed-width decimal rendering of an instant that sorts
// like the instant: 19 digits of seconds since 0001-01-01 UTC, then 9
// digits of nanoseconds. The due index orders members by it with
// ZRANGEBYLEX, which keeps NextAt comparisons exact to the nanosecond (a
// sorted-set score, a float64, cannot).
const timeKeyLen = 28

// unixToYear1 is the number of seconds from 0001-01-01 to 1970-01-01 UTC.
const unixToYear1 = 62135596800

// timeKey renders t. Instants before year 1 are clamped to year 1, and
// instants too late for the 19 digits to the last representable second.
func timeKey(t time.Time) string {
	sec, nsec := t.Unix(), t.Nanosecond()
	switch {
	case sec < -unixToYear1:
		sec, nsec = 0, 0
	case sec > math.MaxInt64-unixToYear1:
		sec, nsec = math.MaxInt64, 999999999
	default:
		sec += unixToYear1
	}
	var buf [timeKeyLen]byte
	putDigits(buf[:19], uint64(sec))
	putDigits(buf[19:], uint64(nsec))
	return string(buf[:])
}

func putDigits(dst []byte, v uint64) {
	for i := len(dst) - 1; i >= 0; i-- {
		dst[i] = byte('0' + v%10)
		v /= 10
	}
}

// parseTimeKey reverses timeKey; the result is in UTC.
func parseTimeKey(k string) (time.Time, bool) {
	if len(k) != timeKeyLen {
		return time.Time{}, false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < '0' || k[i] > '9' {
			return time.Time{}, false
		}
	}
	sec, err := strconv.ParseInt(k[:19], 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	nsec, _ := strconv.ParseInt(k[19:], 10, 64)
	return time.Unix(sec-unixToYear1, nsec).UTC(), true
}
