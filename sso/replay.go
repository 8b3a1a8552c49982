package sso

import (
	"time"

	"github.com/ssokit/ssokit/internal/replay"
)

func newMemoryReplay(now func() time.Time) ReplayCache { return replay.NewMemory(now) }
