package multitest_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ssokit/ssokit/internal/multitest"
	"github.com/ssokit/ssokit/internal/syncbuf"
)

// proc is one instance: the test binary re-executed as a separate OS
// process. Its stdout lines are collected for the test to read.
type proc struct {
	t      *testing.T
	name   string
	cmd    *exec.Cmd
	addr   string
	done   chan struct{}
	stderr *syncbuf.Buffer

	mu    sync.Mutex
	lines []string
}

// startProc starts an instance with the given flags and waits (bounded)
// for its LISTEN line. Cleanup kills it with SIGKILL and reaps it.
func startProc(t *testing.T, name string, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{t: t, name: name, done: make(chan struct{}), stderr: &syncbuf.Buffer{}}
	p.cmd = exec.Command(os.Args[0], args...)
	p.cmd.Env = append(append(os.Environ(), multitest.EnvInstance+"=1"), env...)
	p.cmd.Stderr = p.stderr
	dieWithParent(p.cmd)
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start instance %s: %v", name, err)
	}
	read := make(chan struct{})
	go func() {
		defer close(read)
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.lines = append(p.lines, sc.Text())
			p.mu.Unlock()
		}
	}()
	go func() { <-read; _ = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			t.Logf("instance %s stderr:\n%s", name, tail(p.stderr.String(), 4000))
		}
	})
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	poll(t, ctx, "instance "+name+" listens", func() bool {
		select {
		case <-p.done:
			t.Fatalf("instance %s exited: %s", name, p.stderr.String())
		default:
		}
		l := p.find("LISTEN ")
		if len(l) > 0 {
			p.addr = strings.TrimPrefix(l[0], "LISTEN ")
		}
		return p.addr != ""
	})
	return p
}

// kill sends SIGKILL (kill -9) and waits until the process is reaped.
func (p *proc) kill() {
	if p.cmd.Process != nil {
		_ = p.cmd.Process.Kill()
	}
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		p.t.Errorf("instance %s not reaped 10s after SIGKILL", p.name)
	}
}

// forget drops the lines read so far, to start a new phase.
func (p *proc) forget() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lines = nil
}

// find returns the stdout lines starting with prefix.
func (p *proc) find(prefix string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, l := range p.lines {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return out
}

// waitLines waits (bounded) until n lines start with prefix and returns
// them: a line the instance wrote before answering may still be in the
// pipe when the answer arrives.
func (p *proc) waitLines(prefix string, n int) []string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.t.Context(), 10*time.Second)
	defer cancel()
	poll(p.t, ctx, fmt.Sprintf("%s wrote %d %q lines", p.name, n, prefix), func() bool { return len(p.find(prefix)) >= n })
	return p.find(prefix)
}

// control posts to a control endpoint of the instance.
func (p *proc) control(path string) {
	p.t.Helper()
	resp, err := http.Post("http://"+p.addr+path, "text/plain", nil)
	if err != nil {
		p.t.Fatalf("%s %s: %v", p.name, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		b, _ := io.ReadAll(resp.Body)
		p.t.Fatalf("%s %s = %d %s", p.name, path, resp.StatusCode, b)
	}
}

// setClock moves the worker clock of the instance to real time + d.
func (p *proc) setClock(d time.Duration) { p.control(fmt.Sprintf("/_control/clock?offset=%s", d)) }

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}
