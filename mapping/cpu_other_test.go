//go:build !linux

package mapping_test

import "testing"

// cpuMeter reports nothing where per-thread CPU time is not available.
type cpuMeter struct{}

func startCPU() cpuMeter { return cpuMeter{} }

func (cpuMeter) report(*testing.B) {}
