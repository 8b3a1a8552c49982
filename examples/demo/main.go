// Command demo is a small multi-tenant SaaS with enterprise single sign-on
// built on ssokit. It runs its own development identity providers (an
// OpenID provider and a SAML IdP from package ssotest) in the same
// process, so it works offline with zero setup:
//
//	go run ./examples/demo [-addr 127.0.0.1:8080] [-v]
//
// It prints the URL to open and who to sign in as.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address; port 0 picks a free port")
	verbose := flag.Bool("v", false, "print ssokit's audit events (every login, with the group ids received)")
	flag.Parse()

	l, err := listen(*addr)
	if err != nil {
		log.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if *verbose {
		logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	a, err := newApp(l, appConfig{Logger: logger})
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	printInstructions(os.Stdout, a)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
}

// listen opens addr; when its port is taken it falls back to a free port
// on the same host, so the demo starts even if 8080 is in use.
func listen(addr string) (net.Listener, error) {
	l, err := net.Listen("tcp", addr)
	if err == nil || !errors.Is(err, syscall.EADDRINUSE) {
		return l, err
	}
	host, _, _ := net.SplitHostPort(addr)
	fmt.Fprintf(os.Stderr, "%s is in use; picking a free port\n", addr)
	return net.Listen("tcp", net.JoinHostPort(host, "0"))
}

func printInstructions(w io.Writer, a *app) {
	fmt.Fprintf(w, `ssokit demo SaaS running at %[1]s

Open it and sign in to a tenant:

  acme     %[1]s/t/acme/login
           OpenID Connect: click "Acme SSO", pick Ann or Bob
           (Sam is refused by the tenant's access rule)
           password (manager): mia@acme.example / %[2]s
  globex   %[1]s/t/globex/login
           SAML, SSO required: click "Globex SSO" (signs in Carol)
           password: gus@globex.example / %[2]s (manager) gets in,
                     dan@globex.example / %[2]s is refused
  initech  %[1]s/t/initech/login
           partner JWT: erin@initech.example (existing users only)

After an SSO login, /me shows your spaces, roles and groups, the claims
received and why the mapping decided what it did.

Each tenant's domains are at %[1]s/t/TENANT/domains, e.g.
%[1]s/t/acme/domains: acme.example is verified (by the operator),
acme-labs.example is pending, with the TXT record to publish and a
"Verify now" button.

SCIM 2.0 at %[1]s/scim/v2, one bearer token per tenant:
`, a.URL, demoPassword)
	for _, t := range tenantNames {
		fmt.Fprintf(w, "  %-8s %s\n", t, a.SCIMTokens[t])
	}
	fmt.Fprintf(w, `  try:     curl -s -H 'Authorization: Bearer %s' %s/scim/v2/Users

Everything lives in memory; press Ctrl-C to stop.
`, a.SCIMTokens["acme"], a.URL)
}
