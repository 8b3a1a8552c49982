package main

import (
	"net"
	"testing"
)

func TestListenFallsBackToAFreePortWhenTaken(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	l, err := listen(taken.Addr().String())
	if err != nil {
		t.Fatalf("listen on a taken port: %v", err)
	}
	defer l.Close()
	if l.Addr().String() == taken.Addr().String() {
		t.Errorf("listen returned the taken address %s", l.Addr())
	}
	if host, _, _ := net.SplitHostPort(l.Addr().String()); host != "127.0.0.1" {
		t.Errorf("fallback listens on %s, want the same host 127.0.0.1", host)
	}
}
