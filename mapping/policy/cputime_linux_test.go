//go:build linux

package policy

import (
	"syscall"
	"time"
)

// threadCPU is the CPU time used by the calling OS thread, so benchmarks
// can report cpu-ns/op beside wall-clock ns/op on a shared machine.
func threadCPU() time.Duration {
	const rusageThread = 1 // RUSAGE_THREAD
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return -1
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
