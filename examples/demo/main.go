// Command demo is a small multi-tenant SaaS with enterprise single sign-on
// built on ssokit. It runs its own development identity providers (an
// OpenID provider and a SAML IdP from package ssotest) in the same
// process, so it works offline with zero setup:
//
//	go run ./examples/demo [-addr 127.0.0.1:8080] [-db FILE] [-keys SPEC] [-v]
//
// It prints the URL to open and who to sign in as.
//
// Tenants, connections, SCIM tokens and provisioned users live in a
// SQLite database (package sqlstore), by default demo.db in a per-user
// cache directory, so what a tenant's manager changes on the setup pages
// survives a restart; -db :memory: keeps everything in memory. The key
// that seals the connections' secrets comes from -keys or SSOKIT_DEMO_KEYS
// ("id:base64key"), else it is generated once and kept beside the database
// (FILE.key, mode 0600); a real host keeps it in its secret manager.
//
// The development identity providers get new ports and keys on every
// start, so at start the demo re-points the stored connections that still
// name a loopback provider at this run's providers, and mints a new SCIM
// token per tenant (the store keeps only digests).
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
	"path/filepath"
	"syscall"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address; port 0 picks a free port")
	db := flag.String("db", defaultDBPath(), `SQLite database file, created if missing; ":memory:" keeps nothing`)
	keySpec := flag.String("keys", os.Getenv(keysEnv), "key ring sealing the connections' secrets, \"id:base64key[,older]\" (default: $"+keysEnv+", else a key file beside the database)")
	verbose := flag.Bool("v", false, "print ssokit's audit events (every login, with the group ids received)")
	flag.Parse()

	keys, err := loadKeyRing(*keySpec, *db)
	if err != nil {
		log.Fatal(err)
	}
	if !inMemory(*db) {
		if err := os.MkdirAll(filepath.Dir(*db), 0o700); err != nil {
			log.Fatal(err)
		}
	}
	l, err := listen(*addr)
	if err != nil {
		log.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if *verbose {
		logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	a, err := newApp(l, appConfig{Logger: logger, DB: *db, Keys: keys})
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	printInstructions(os.Stdout, a, *db)

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

func printInstructions(w io.Writer, a *app, db string) {
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

A tenant's manager sets up SSO at %[1]s/setup/ after signing in
with a password (mia for acme, gus for globex). The development IdPs
for it: OpenID discovery %[3]s
(client id %[4]s, secret %[5]s), SAML metadata %[6]s.

Each tenant's domains are at %[1]s/t/TENANT/domains, e.g.
%[1]s/t/acme/domains: acme.example is verified (by the operator),
acme-labs.example is pending, with the TXT record to publish and a
"Verify now" button.

SCIM 2.0 at %[1]s/scim/v2, one bearer token per tenant:
`, a.URL, demoPassword, a.idps.op.Issuer(), oidcClientID, oidcClientSecret, a.idps.saml.MetadataURL())
	for _, t := range tenantNames {
		fmt.Fprintf(w, "  %-8s %s\n", t, a.SCIMTokens[t])
	}
	fmt.Fprintf(w, `  try:     curl -s -H 'Authorization: Bearer %s' %s/scim/v2/Users

`, a.SCIMTokens["acme"], a.URL)
	switch {
	case inMemory(db):
		fmt.Fprintln(w, "Everything lives in memory; press Ctrl-C to stop.")
	case a.Restarted:
		fmt.Fprintf(w, "Configuration kept from the last run in %s\n(new SCIM tokens and IdP addresses each start); press Ctrl-C to stop.\n", db)
	default:
		fmt.Fprintf(w, "Configuration is saved in %s and survives a restart\n(delete it to start over); press Ctrl-C to stop.\n", db)
	}
}
