package policy

import (
	"runtime"
	"testing"
	"time"

	"github.com/google/cel-go/cel"
)

// The three-clause policy of the benchmarks, in the dialect and as the
// equivalent hand-written CEL.
const (
	bench3Dialect = "IDTOKEN.aud = ‘9b6xxxxxxxxxxxxxxxx651’ and IDTOKEN.email = ACCESSTOKEN.sub and among(ACCESSTOKEN.appname,’SSO-V1|SSO-V2′)"
	bench3CEL     = `"9b6xxxxxxxxxxxxxxxx651" in idtoken.aud && idtoken.email == accesstoken.sub && accesstoken.appname in ["SSO-V1", "SSO-V2"]`
)

func benchDocs() Documents {
	return Documents{
		IDToken: map[string]any{
			"iss": "https://example.okta.com", "aud": []any{"9b6xxxxxxxxxxxxxxxx651"},
			"email": "ann@example.com", "sub": "00u1", "exp": 1.7e9,
		},
		AccessToken: map[string]any{
			"sub": "ann@example.com", "scp": []any{"openid", "w2w"}, "appname": "SSO-V2",
		},
	}
}

func benchPolicy(b *testing.B, expr string) {
	p, err := Compile([]string{expr}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	docs := benchDocs()
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		if !p.Evaluate(docs).Passed {
			b.Fatal("policy failed")
		}
	}
}

// reportCPU pins the benchmark to its thread and returns a function that
// reports the thread's CPU time per operation as cpu-ns/op: on a shared
// machine wall-clock ns/op includes time spent waiting for a core.
func reportCPU(b *testing.B) func() {
	runtime.LockOSThread()
	start := threadCPU()
	return func() {
		end := threadCPU()
		runtime.UnlockOSThread()
		if start >= 0 && end >= start && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(time.Duration(b.N)), "cpu-ns/op")
		}
	}
}

// BenchmarkEvaluate3ClauseDialect: Policy.Evaluate of the dialect
// expression (translated to the claim functions).
func BenchmarkEvaluate3ClauseDialect(b *testing.B) { benchPolicy(b, bench3Dialect) }

// BenchmarkEvaluate3ClauseNative: Policy.Evaluate of the same rule written
// in native CEL, to separate the wrapper's cost from the functions'.
func BenchmarkEvaluate3ClauseNative(b *testing.B) { benchPolicy(b, NativePrefix+bench3CEL) }

// BenchmarkEvaluateSeedScopeMatch: the document's match() example.
func BenchmarkEvaluateSeedScopeMatch(b *testing.B) { benchPolicy(b, seedScope) }

// BenchmarkRawCEL3Clause is the floor: cel-go alone evaluating the
// equivalent native CEL with a map activation, as its README shows.
func BenchmarkRawCEL3Clause(b *testing.B) { benchRawCEL(b) }

// BenchmarkRawCEL3ClauseCostLimit is the same floor with the cost tracking
// a Policy always has.
func BenchmarkRawCEL3ClauseCostLimit(b *testing.B) { benchRawCEL(b, cel.CostLimit(DefaultCostLimit)) }

func benchRawCEL(b *testing.B, opts ...cel.ProgramOption) {
	claims := cel.MapType(cel.StringType, cel.DynType)
	env, err := cel.NewEnv(cel.Variable("idtoken", claims), cel.Variable("accesstoken", claims))
	if err != nil {
		b.Fatal(err)
	}
	ast, iss := env.Compile(bench3CEL)
	if iss.Err() != nil {
		b.Fatal(iss.Err())
	}
	prg, err := env.Program(ast, append(opts, cel.EvalOptions(cel.OptOptimize))...)
	if err != nil {
		b.Fatal(err)
	}
	docs := benchDocs()
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		out, _, err := prg.Eval(map[string]any{"idtoken": docs.IDToken, "accesstoken": docs.AccessToken})
		if err != nil || out.Value() != true {
			b.Fatal(out, err)
		}
	}
}
