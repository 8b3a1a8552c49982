package multitest_test

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes Linux kill the child if the test process dies
// before its cleanup runs (a go test timeout, a crash), so no instance or
// redis-server outlives the test.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
