package policy

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/overloads"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/google/cel-go/interpreter"
)

// Names of the CEL functions the dialect is translated to. They are also
// available to native CEL expressions.
const (
	fnEquals   = "claimEquals"
	fnMatches  = "claimMatches"
	fnContains = "claimContains"
	fnAmong    = "claimAmong"
)

// Work bounds inside one function call, so that a huge claim cannot make a
// single call slow before the cost limit is consulted.
const (
	maxPairs    = 1 << 12 // element comparisons in one claimEquals
	maxTextLen  = 1 << 16 // bytes of claim text given to claimMatches/claimContains
	maxValDepth = 16      // nesting of a claim value rendered as JSON
)

// claimsLib is the cel.Library holding the claim functions. regexes holds
// the patterns compiled at configuration time; it is written only inside
// Compile and read-only once the Policy is returned.
type claimsLib struct {
	regexes map[string]*boundedRegex
}

// CompileOptions implements cel.Library.
func (l claimsLib) CompileOptions() []cel.EnvOption {
	dyn := []*cel.Type{cel.DynType, cel.DynType}
	return []cel.EnvOption{
		cel.Function(fnEquals, cel.Overload("claim_equals", dyn, cel.BoolType,
			cel.BinaryBinding(claimEquals))),
		cel.Function(fnMatches, cel.Overload("claim_matches", []*cel.Type{cel.DynType, cel.StringType}, cel.BoolType,
			cel.BinaryBinding(l.claimMatches))),
		cel.Function(fnContains, cel.Overload("claim_contains", dyn, cel.BoolType,
			cel.BinaryBinding(claimContains))),
		cel.Function(fnAmong, cel.Overload("claim_among", dyn, cel.BoolType,
			cel.BinaryBinding(claimAmong))),
		cel.CostEstimatorOptions(l.staticCosts()...),
	}
}

// ProgramOptions implements cel.Library: the runtime cost of each call
// grows with the size of its arguments (see costs.go).
// Calls to claimMatches with a constant pattern use the regex compiled at
// configuration time.
func (l claimsLib) ProgramOptions() []cel.ProgramOption {
	return []cel.ProgramOption{
		cel.CostTrackerOptions(l.runtimeCosts()...),
		cel.OptimizeRegex(
			&interpreter.RegexOptimization{Function: fnMatches, OverloadID: "claim_matches", RegexIndex: 1, Factory: l.precompiled},
			// CEL's own matches() gets the same bounds in native expressions.
			&interpreter.RegexOptimization{Function: overloads.Matches, OverloadID: overloads.Matches, RegexIndex: 1, Factory: l.precompiled},
			&interpreter.RegexOptimization{Function: overloads.Matches, OverloadID: overloads.MatchesString, RegexIndex: 1, Factory: l.precompiled},
		),
	}
}

// precompiled replaces a claimMatches call whose pattern is a constant by
// one bound to the compiled regex; an invalid constant pattern is a
// configuration error.
func (l claimsLib) precompiled(call interpreter.InterpretableCall, pattern string) (interpreter.InterpretableCall, error) {
	re, err := l.regex(pattern)
	if err != nil {
		return nil, err
	}
	// Programs are planned inside Compile, before the Policy is shared;
	// recording the regex lets the cost tracker find it without compiling.
	l.regexes[pattern] = re
	return interpreter.NewCall(call.ID(), call.Function(), call.OverloadID(), call.Args(), func(args ...ref.Val) ref.Val {
		if len(args) != 2 {
			return types.NoSuchOverloadErr()
		}
		return matchText(re, args[0])
	}), nil
}

// regex returns the pattern compiled at translation time, or compiles it.
func (l claimsLib) regex(pattern string) (*boundedRegex, error) {
	if re := l.regexes[pattern]; re != nil {
		return re, nil
	}
	return compileRegex(pattern)
}

// claimEquals is "=": scalars are equal, a list contains the scalar, or two
// lists share an element.
func claimEquals(a, b ref.Val) ref.Val {
	if sa, ok := a.(types.String); ok {
		if sb, ok := b.(types.String); ok {
			return types.Bool(sa == sb)
		}
	}
	if err := nullClaim(a, b); err != nil {
		return err
	}
	la, aList := a.(traits.Lister)
	lb, bList := b.(traits.Lister)
	if elemCount(a)*elemCount(b) > maxPairs {
		return types.NewErr("list claims too large to compare")
	}
	switch {
	case aList && bList:
		for it := la.Iterator(); it.HasNext() == types.True; {
			if listHas(lb, it.Next()) {
				return types.True
			}
		}
		return types.False
	case aList:
		return types.Bool(listHas(la, b))
	case bList:
		return types.Bool(listHas(lb, a))
	}
	return types.Bool(a.Equal(b) == types.True)
}

// nullClaim returns an error when an argument is null: a claim present
// with a null value is treated as missing, so that != and not cannot pass
// on it.
func nullClaim(args ...ref.Val) ref.Val {
	for _, a := range args {
		if a.Type() == types.NullType {
			return types.NewErr("claim is null (treated as missing)")
		}
	}
	return nil
}

// listHas reports whether l has an element equal to v. Lists of claims
// (native []any or []string) and list literals ([]ref.Val) are scanned
// without converting every element to a CEL value.
func listHas(l traits.Lister, v ref.Val) bool {
	if s, ok := v.(types.String); ok {
		switch native := l.Value().(type) {
		case []any:
			for _, e := range native {
				if es, isStr := e.(string); isStr && es == string(s) ||
					!isStr && types.DefaultTypeAdapter.NativeToValue(e).Equal(v) == types.True {
					return true
				}
			}
			return false
		case []string:
			for _, e := range native {
				if e == string(s) {
					return true
				}
			}
			return false
		}
	}
	if vals, ok := l.Value().([]ref.Val); ok {
		for _, e := range vals {
			if e.Equal(v) == types.True {
				return true
			}
		}
		return false
	}
	for it := l.Iterator(); it.HasNext() == types.True; {
		if it.Next().Equal(v) == types.True {
			return true
		}
	}
	return false
}

// claimMatches is match() with a pattern computed at evaluation time (a
// constant pattern goes through precompiled instead).
func (l claimsLib) claimMatches(subject, pattern ref.Val) ref.Val {
	p, ok := pattern.(types.String)
	if !ok {
		return types.NewErr("match pattern must be a string")
	}
	re, err := l.regex(string(p))
	if err != nil {
		return types.NewErr("%s", err.Error())
	}
	return matchText(re, subject)
}

// claimContains is stringinstring(): the claim's text contains the needle,
// ignoring case.
func claimContains(subject, needle ref.Val) ref.Val {
	s, errVal := claimText(subject)
	if errVal != nil {
		return errVal
	}
	n, errVal := claimText(needle)
	if errVal != nil {
		return errVal
	}
	return types.Bool(strings.Contains(strings.ToLower(s), strings.ToLower(n)))
}

// claimAmong is among() with alternatives computed at evaluation time.
func claimAmong(subject, choices ref.Val) ref.Val {
	c, ok := choices.(types.String)
	if !ok {
		return types.NewErr("among alternatives must be a string such as 'A|B'")
	}
	if len(c) > maxTextLen {
		return types.NewErr("among alternatives too long")
	}
	parts := strings.Split(string(c), "|")
	vals := make([]ref.Val, len(parts))
	for i, p := range parts {
		vals[i] = types.String(p)
	}
	return claimEquals(subject, types.NewRefValList(types.DefaultTypeAdapter, vals))
}

// claimText is the text a string function sees: a string as it is, any
// other value as compact JSON, so a list claim ["openid","w2w"] is the text
// ["openid","w2w"] and /"w2w"/ matches the element w2w exactly.
func claimText(v ref.Val) (string, ref.Val) {
	if err := nullClaim(v); err != nil {
		return "", err
	}
	if s, ok := v.(types.String); ok {
		if len(s) > maxTextLen {
			return "", types.NewErr("claim text longer than %d bytes", maxTextLen)
		}
		return string(s), nil
	}
	if text, ok := plainStringList(v); ok {
		return text, nil
	}
	budget := maxTextLen
	native, ok := toJSONValue(v, 0, &budget)
	if !ok {
		return "", types.NewErr("claim text longer than %d bytes or nested deeper than %d", maxTextLen, maxValDepth)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(native); err != nil {
		return "", types.NewErr("claim value cannot be shown as text: %v", err)
	}
	if buf.Len() > maxTextLen {
		return "", types.NewErr("claim text longer than %d bytes", maxTextLen)
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// plainStringList writes the JSON text of a claim list of strings that need
// no escaping (printable ASCII without quote or backslash), the common case
// of scp, groups and roles claims, without going through encoding/json.
func plainStringList(v ref.Val) (string, bool) {
	l, ok := v.(traits.Lister)
	if !ok {
		return "", false
	}
	elems, ok := l.Value().([]any)
	if !ok {
		return "", false
	}
	var b strings.Builder
	b.WriteByte('[')
	for i, e := range elems {
		s, ok := e.(string)
		if !ok || !plainASCII(s) || b.Len()+len(s) > maxTextLen {
			return "", false
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		b.WriteString(s)
		b.WriteByte('"')
	}
	b.WriteByte(']')
	return b.String(), true
}

func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// toJSONValue converts a CEL value to plain Go values for encoding/json.
// budget is the JSON text still allowed, in bytes; each value takes at
// least 2 (a digit and a comma) plus the length of a string, so the work
// is bounded before any encoding is done.
func toJSONValue(v ref.Val, depth int, budget *int) (any, bool) {
	*budget -= 2
	if s, ok := v.(types.String); ok {
		*budget -= len(s)
	}
	if depth > maxValDepth || *budget < 0 {
		return nil, false
	}
	switch v := v.(type) {
	case traits.Lister:
		out := []any{}
		for it := v.Iterator(); it.HasNext() == types.True; {
			e, ok := toJSONValue(it.Next(), depth+1, budget)
			if !ok {
				return nil, false
			}
			out = append(out, e)
		}
		return out, true
	case traits.Mapper:
		out := map[string]any{}
		for it := v.Iterator(); it.HasNext() == types.True; {
			k := it.Next()
			e, ok := toJSONValue(v.Get(k), depth+1, budget)
			if !ok {
				return nil, false
			}
			ks, _ := toJSONValue(k, depth+1, budget)
			out[jsonKey(ks)] = e
		}
		return out, true
	case types.Null:
		return nil, true
	}
	return v.Value(), true
}

func jsonKey(k any) string {
	if s, ok := k.(string); ok {
		return s
	}
	b, _ := json.Marshal(k)
	return string(b)
}
