//go:build !linux

package policy

import "time"

// threadCPU is not measured on this platform.
func threadCPU() time.Duration { return -1 }
