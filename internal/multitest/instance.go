package multitest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/ssokit/ssokit/groupsync"
	"github.com/ssokit/ssokit/mapping"
	"github.com/ssokit/ssokit/redisstore"
	"github.com/ssokit/ssokit/sso"
)

// OpsGroupIdPID is the identity provider's id of the host group "ops" in
// every instance's catalog.
const OpsGroupIdPID = "6f1c7e2a-5b0d-4b8e-9c3a-2d4e5f607182"

// Main runs an instance with the given flags until SIGTERM or SIGINT and
// returns the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	o, err := ParseFlags(args)
	if err != nil {
		fmt.Fprintln(stderr, "ssokit-instance:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := Run(ctx, o, stdout, stderr); err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "ssokit-instance:", err)
		return 1
	}
	return 0
}

// Instance is one instance's parts, built by New.
type Instance struct {
	Handler *sso.Handler
	Worker  *groupsync.Worker
	Store   *redisstore.Store
	Clock   *Clock // the worker's clock

	out  *lineWriter
	hang *hangGate
}

// Run builds the instance and serves until ctx ends.
func Run(ctx context.Context, o Options, stdout, stderr io.Writer) error {
	in, err := New(o, stdout, stderr)
	if err != nil {
		return err
	}
	defer in.Close()
	return in.serve(ctx, o)
}

// New builds an instance from o: a redisstore.Store shared through Redis,
// an sso.Handler using it as replay cache, and a groupsync.Worker using it
// as token store, with the handler as Refresher and MapFunc. Lines go to
// stdout (see the package documentation), logs to stderr.
func New(o Options, stdout, stderr io.Writer) (*Instance, error) {
	in := &Instance{out: &lineWriter{w: stdout}, Clock: &Clock{}, hang: &hangGate{}}
	store, err := redisstore.New(redisstore.Config{Addr: o.Redis, Prefix: o.Prefix, Timeout: o.Timeout})
	if err != nil {
		return nil, err
	}
	in.Store = store
	if err := in.build(o, stderr); err != nil {
		_ = store.Close()
		return nil, err
	}
	return in, nil
}

// Close closes the Redis client.
func (in *Instance) Close() error { return in.Store.Close() }

func (in *Instance) build(o Options, stderr io.Writer) error {
	client, err := idpClient(o.CA)
	if err != nil {
		return err
	}
	tenants, err := sso.LoadFile(o.Config, sso.Secrets{})
	if err != nil {
		return err
	}
	cat, err := mapping.NewCatalog(mapping.CatalogConfig{Groups: []mapping.Group{{ID: "ops", IdPID: OpsGroupIdPID}}})
	if err != nil {
		return err
	}
	members := groupsync.NewMemoryMemberships("ops")
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	h, err := sso.New(sso.Config{
		BaseURL: o.BaseURL, StateKey: o.StateKey, Store: tenants, Users: sso.NewMemoryUsers(),
		Sessions:    sso.SessionFunc(in.startSession),
		Catalog:     func(context.Context, string) (*mapping.Catalog, error) { return cat, nil },
		Memberships: members, ReplayCache: in.Store, HTTPClient: client, Logger: logger,
	})
	if err != nil {
		return err
	}
	in.Handler = h
	sealer, err := groupsync.NewSealer(groupsync.SealerConfig{Keys: map[string][]byte{"k1": o.SealKey}, Current: "k1"})
	if err != nil {
		return err
	}
	in.Worker, err = groupsync.NewWorker(groupsync.WorkerConfig{
		Tokens: claimReporter{TokenStore: in.Store, out: in.out}, Sealer: sealer,
		Refresher: &hangingRefresher{next: h, gate: in.hang, out: in.out},
		Map:       h.MapClaims, Memberships: members,
		Period: o.Period, Jitter: o.Jitter, Tick: o.Tick, Lease: o.Lease, Batch: o.Batch, Concurrency: o.Concurrency,
		Now: in.Clock.Now, OnEvent: in.event,
	})
	return err
}

func (in *Instance) serve(ctx context.Context, o Options) error {
	l, err := net.Listen("tcp", o.Listen)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/sso/", in.Handler)
	mux.HandleFunc("POST /_control/clock", in.setClock)
	mux.HandleFunc("POST /_control/hang", in.setHang)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	in.out.printf("LISTEN %s", l.Addr())
	var wg sync.WaitGroup
	if o.Worker {
		wg.Go(func() { _ = in.Worker.Run(ctx) })
	}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	err = srv.Serve(l)
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		return ctx.Err()
	}
	return err
}

// startSession is the host's session start: it sets a session cookie and
// enrolls the login's refresh token for background sync.
func (in *Instance) startSession(w http.ResponseWriter, r *http.Request, res *sso.Result) error {
	if res.Identity.RefreshToken != "" && res.SyncMode != groupsync.ModeNone {
		err := in.Worker.Enroll(r.Context(), res.User.ID, res.SyncConnection(), res.SyncMode, res.Identity.RefreshToken)
		if err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: "host_session", Value: res.User.ID, Path: "/", HttpOnly: true})
	in.out.printf("LOGIN %s %s", res.User.ID, res.SyncConnection())
	return nil
}

func (in *Instance) event(ev groupsync.Event) {
	in.out.printf("EVENT %s %s %s", ev.Kind, ev.UserID, ev.Reason)
}

func (in *Instance) setClock(w http.ResponseWriter, r *http.Request) {
	d, err := time.ParseDuration(r.URL.Query().Get("offset"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	in.Clock.Set(d)
	w.WriteHeader(http.StatusNoContent)
}

func (in *Instance) setHang(w http.ResponseWriter, r *http.Request) {
	var n int64
	if _, err := fmt.Sscan(r.URL.Query().Get("after"), &n); err != nil || n < 1 {
		http.Error(w, "after must be a positive count", http.StatusBadRequest)
		return
	}
	in.hang.arm(n)
	w.WriteHeader(http.StatusNoContent)
}

// idpClient trusts the PEM certificate in path (the in-process providers'
// self-signed one) besides the system roots.
func idpClient(path string) (*http.Client, error) {
	if path == "" {
		return &http.Client{Timeout: 10 * time.Second}, nil
	}
	pemBytes, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		return nil, fmt.Errorf("%s holds no PEM certificate", path)
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, MaxIdleConnsPerHost: 16}
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}, nil
}
