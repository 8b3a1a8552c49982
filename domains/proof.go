package domains

import (
	"context"
	"crypto/subtle"
	"errors"
	"net"
)

// Resolver looks up TXT records. [*net.Resolver] implements it and is the
// default. The name passed is absolute (it ends with a dot), so no search
// list applies.
//
// Each returned string is one TXT record with its character-strings
// already joined (a record published as "abc" "def" is "abcdef"), which is
// what [net.Resolver.LookupTXT] returns. A name that does not exist, or has
// no TXT data, must be reported as a [*net.DNSError] with IsNotFound set;
// every other error is treated as temporary and changes nothing.
type Resolver interface {
	LookupTXT(ctx context.Context, name string) ([]string, error)
}

// Bounds on what a lookup answer may hold before it is compared.
const (
	maxRecords   = 64
	maxRecordLen = 4096
)

// lookupProof looks up the TXT records at recordName and compares each,
// in constant time, with token.
func lookupProof(ctx context.Context, r Resolver, recordName, token string) (Result, error) {
	// A trailing dot makes the name absolute, so no search list applies.
	txts, err := r.LookupTXT(ctx, recordName+".")
	if err != nil {
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
			return ResultNoRecord, nil
		}
		return ResultTemporary, err
	}
	if len(txts) == 0 {
		return ResultNoRecord, nil
	}
	if matchAny(txts, token) {
		return ResultMatch, nil
	}
	return ResultWrongToken, nil
}

// matchAny reports whether any record equals token. Every record is
// compared (no early exit), each in constant time.
func matchAny(txts []string, token string) bool {
	if len(txts) > maxRecords {
		txts = txts[:maxRecords]
	}
	found := 0
	for _, t := range txts {
		if len(t) > maxRecordLen {
			continue
		}
		found |= subtle.ConstantTimeCompare([]byte(t), []byte(token))
	}
	return found == 1
}
