package policy

import (
	"github.com/google/cel-go/checker"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/google/cel-go/interpreter"
)

// Cost model of the claim functions, in CEL cost units. The same formulas
// serve the type-check time estimate (with the caps the functions enforce
// as worst case) and the runtime tracker (with the actual arguments):
//
//	claimEquals    size(a) × size(b), at most maxPairs
//	claimMatches   1 + min(text × regex instructions, maxRegexWork)/64
//	claimContains  1 + (text + needle)/8
//	claimAmong     size(a) × (1 + len(alternatives)/8)
//
// where size is a list's length (1 for a scalar) and text is capped at
// maxTextLen bytes. When the estimate proves an expression can never exceed
// the cost limit (every dialect expression of reasonable length: it has no
// loops and each call is capped), the program runs without runtime cost
// tracking; otherwise cel.CostLimit stops it at run time.

func equalsCost(sa, sb uint64) uint64 { return sa * sb }
func matchesCost(work uint64) uint64  { return 1 + work/64 }
func containsCost(text, needle uint64) uint64 {
	return 1 + (text+needle)/8
}
func amongCost(sa, alts uint64) uint64 { return sa * (1 + alts/8) }

// runtimeCosts are the cost trackers of the claim functions.
func (l claimsLib) runtimeCosts() []interpreter.CostTrackerOption {
	track := func(id string, f func(a, b uint64) uint64, size func(ref.Val) uint64) interpreter.CostTrackerOption {
		return interpreter.OverloadCostTracker(id, func(args []ref.Val, _ ref.Val) *uint64 {
			return costOf(f(size(args[0]), size(args[1])))
		})
	}
	return []interpreter.CostTrackerOption{
		track("claim_equals", equalsCost, elemCount),
		interpreter.OverloadCostTracker("claim_matches", func(args []ref.Val, _ ref.Val) *uint64 {
			return costOf(matchesCost(l.patternWork(args[1], textSize(args[0]))))
		}),
		track("claim_contains", containsCost, textSize),
		interpreter.OverloadCostTracker("claim_among", func(args []ref.Val, _ ref.Val) *uint64 {
			return costOf(amongCost(elemCount(args[0]), textSize(args[1])))
		}),
	}
}

// costOf returns the cost n, or nil (CEL's default cost of 1 for a call)
// when n is at most 1, which saves an allocation on the common path.
func costOf(n uint64) *uint64 {
	if n <= 1 {
		return nil
	}
	return &n
}

// elemCount is the number of elements of a list, or 1.
func elemCount(v ref.Val) uint64 {
	if l, ok := v.(traits.Lister); ok {
		if n, ok := l.Size().(types.Int); ok && n > 0 {
			return uint64(n)
		}
	}
	return 1
}

// textSize is the length of a string, or an estimate of a value's JSON
// text (8 bytes an element), capped as claimText caps it.
func textSize(v ref.Val) uint64 {
	n := elemCount(v) * 8
	if s, ok := v.(types.String); ok {
		n = uint64(len(s))
	}
	return min(n, maxTextLen)
}

// patternWork is the matching work of a pattern on text of n bytes; an
// invalid pattern does no work (the call fails).
func (l claimsLib) patternWork(pattern ref.Val, n uint64) uint64 {
	p, ok := pattern.(types.String)
	if !ok {
		return 0
	}
	re, err := l.regex(string(p))
	if err != nil {
		return 0
	}
	return re.work(n)
}

// staticCosts are the worst-case estimates of the claim functions for
// cel.Env.EstimateCost.
func (l claimsLib) staticCosts() []checker.CostOption {
	fixed := func(id string, max uint64) checker.CostOption {
		return checker.OverloadCostEstimate(id, func(checker.CostEstimator, *checker.AstNode, []checker.AstNode) *checker.CallEstimate {
			return &checker.CallEstimate{CostEstimate: checker.CostEstimate{Min: 1, Max: max}}
		})
	}
	return []checker.CostOption{
		fixed("claim_equals", maxPairs),
		fixed("claim_contains", containsCost(maxTextLen, maxTextLen)),
		fixed("claim_among", maxPairs*amongCost(1, maxTextLen)),
		checker.OverloadCostEstimate("claim_matches", func(_ checker.CostEstimator, _ *checker.AstNode, args []checker.AstNode) *checker.CallEstimate {
			work := uint64(maxRegexWork)
			if p, ok := constString(args[1]); ok {
				work = l.patternWork(types.String(p), maxTextLen)
			}
			max := matchesCost(work)
			return &checker.CallEstimate{CostEstimate: checker.CostEstimate{Min: 1, Max: max}}
		}),
	}
}

// constString returns the value of a string literal argument.
func constString(n checker.AstNode) (string, bool) {
	if e := n.Expr(); e.Kind() == ast.LiteralKind {
		if s, ok := e.AsLiteral().(types.String); ok {
			return string(s), true
		}
	}
	return "", false
}

// noSizes gives the estimator no size information: CEL assumes the worst
// for every claim, so an estimate that fits the limit holds for any token.
type noSizes struct{}

func (noSizes) EstimateSize(checker.AstNode) *checker.SizeEstimate { return nil }

func (noSizes) EstimateCallCost(string, string, *checker.AstNode, []checker.AstNode) *checker.CallEstimate {
	return nil
}
