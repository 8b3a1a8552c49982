package mapping_test

import (
	"runtime"
	"syscall"
	"testing"
	"time"
)

// cpuMeter reports the benchmark goroutine's own CPU time per operation
// as "cpu-ns/op". On a shared machine wall time includes waiting for a
// core; CPU time of the locked thread does not.
type cpuMeter struct{ start time.Duration }

func startCPU() cpuMeter {
	runtime.LockOSThread()
	return cpuMeter{threadCPU()}
}

func (m cpuMeter) report(b *testing.B) {
	used := threadCPU() - m.start
	runtime.UnlockOSThread()
	if b.N > 0 {
		b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

func threadCPU() time.Duration {
	const rusageThread = 1 // RUSAGE_THREAD
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
