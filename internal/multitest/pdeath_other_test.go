//go:build !linux

package multitest_test

import "os/exec"

// dieWithParent is a no-op outside Linux; cleanup still kills children.
func dieWithParent(*exec.Cmd) {}
