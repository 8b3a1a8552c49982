package saml

import (
	"context"
	"time"
)

// ReplayCache remembers keys (assertion IDs, jti values) until they expire.
type ReplayCache interface {
	// Seen records key until the given time and reports whether it was
	// already recorded and not yet expired. It must be atomic.
	Seen(ctx context.Context, key string, until time.Time) (bool, error)
}
