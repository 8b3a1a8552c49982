package multitest

import (
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"
)

// EnvInstance is the environment variable that turns a re-executed test
// binary into an instance.
const EnvInstance = "SSOKIT_MULTITEST_INSTANCE"

// Options configure one instance; ParseFlags fills them from flags.
type Options struct {
	Redis       string        // redis-server "host:port"
	Prefix      string        // key prefix shared by the instances
	Listen      string        // HTTP listen address
	BaseURL     string        // external URL of the SSO handler (the load balancer's)
	Config      string        // tenants file (Contiamo JSON)
	CA          string        // PEM certificate trusted for identity providers
	StateKey    []byte        // 32 bytes, shared
	SealKey     []byte        // 32 bytes, shared
	Worker      bool          // run the background refresh worker
	Period      time.Duration // worker period
	Jitter      time.Duration // worker jitter
	Tick        time.Duration // real time between worker runs
	Lease       time.Duration // worker lease
	Batch       int           // users claimed per run
	Concurrency int           // refreshes in flight
	Timeout     time.Duration // Redis call timeout
}

// ParseFlags reads Options from command-line arguments.
func ParseFlags(args []string) (Options, error) {
	var o Options
	var stateKey, sealKey string
	fs := flag.NewFlagSet("ssokit-instance", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.Redis, "redis", "", "redis-server host:port")
	fs.StringVar(&o.Prefix, "prefix", "ssokit:", "Redis key prefix")
	fs.StringVar(&o.Listen, "listen", "127.0.0.1:0", "HTTP listen address")
	fs.StringVar(&o.BaseURL, "base-url", "", "external URL of the SSO handler")
	fs.StringVar(&o.Config, "config", "", "tenants file (Contiamo JSON)")
	fs.StringVar(&o.CA, "ca", "", "PEM certificate trusted for identity providers")
	fs.StringVar(&stateKey, "state-key", "", "hex 32-byte login state key")
	fs.StringVar(&sealKey, "seal-key", "", "hex 32-byte refresh token sealing key")
	fs.BoolVar(&o.Worker, "worker", false, "run the background refresh worker")
	fs.DurationVar(&o.Period, "period", 10*time.Minute, "worker period")
	fs.DurationVar(&o.Jitter, "jitter", time.Minute, "worker jitter")
	fs.DurationVar(&o.Tick, "tick", 50*time.Millisecond, "real time between worker runs")
	fs.DurationVar(&o.Lease, "lease", time.Minute, "worker lease")
	fs.IntVar(&o.Batch, "batch", 50, "users claimed per run")
	fs.IntVar(&o.Concurrency, "concurrency", 4, "refreshes in flight")
	fs.DurationVar(&o.Timeout, "redis-timeout", 500*time.Millisecond, "Redis call timeout")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	var err error
	if o.StateKey, err = key32("state-key", stateKey); err != nil {
		return o, err
	}
	if o.SealKey, err = key32("seal-key", sealKey); err != nil {
		return o, err
	}
	switch {
	case o.Redis == "":
		return o, errors.New("-redis is required")
	case o.BaseURL == "":
		return o, errors.New("-base-url is required")
	case o.Config == "":
		return o, errors.New("-config is required")
	}
	return o, nil
}

func key32(name, v string) ([]byte, error) {
	b, err := hex.DecodeString(v)
	if err != nil || len(b) != 32 {
		return nil, fmt.Errorf("-%s must be 64 hex digits", name)
	}
	return b, nil
}
