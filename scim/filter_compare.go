package scim

import (
	"strings"
	"time"
)

// comparator builds the test "value op literal" for attribute a.
func comparator(a *Attribute, op Op, lit any) (func(any) bool, error) {
	if op == OpNe {
		op = OpEq // the caller negates "ne", so that absent values match it
	}
	switch a.Type {
	case typeBoolean:
		b, ok := lit.(bool)
		if !ok || op != OpEq && op != OpNe {
			return nil, filterError("%s is boolean: only eq and ne with true or false", a.Name)
		}
		return func(v any) bool { x, ok := v.(bool); return ok && x == b }, nil
	case typeInteger, typeDecimal:
		n, ok := lit.(float64)
		if !ok {
			return nil, filterError("%s is a number", a.Name)
		}
		return numberComparator(op, n)
	case typeDateTime:
		s, _ := lit.(string)
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil, filterError("%s is a dateTime: the literal must be RFC 3339", a.Name)
		}
		return timeComparator(op, t)
	case typeComplex:
		return nil, filterError("%s is complex: name a sub-attribute", a.Name)
	}
	s, ok := lit.(string)
	if !ok {
		return nil, filterError("%s is a string: the literal must be quoted", a.Name)
	}
	return stringComparator(op, s, a.CaseExact), nil
}

// numberComparator compares numbers.
func numberComparator(op Op, n float64) (func(any) bool, error) {
	return func(v any) bool {
		x, ok := v.(float64)
		return ok && orderMatches(op, cmpFloat(x, n))
	}, nil
}

// cmpFloat orders two floats.
func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// timeComparator compares dateTime values (time.Time or RFC 3339 strings).
func timeComparator(op Op, t time.Time) (func(any) bool, error) {
	if op == OpCo || op == OpSw || op == OpEw {
		return nil, filterError("operator %s does not apply to dateTime", op)
	}
	return func(v any) bool {
		var x time.Time
		switch v := v.(type) {
		case time.Time:
			x = v
		case string:
			var err error
			if x, err = time.Parse(time.RFC3339Nano, v); err != nil {
				return false
			}
		default:
			return false
		}
		return orderMatches(op, x.Compare(t))
	}, nil
}

// orderMatches applies an operator to a comparison result.
func orderMatches(op Op, c int) bool {
	switch op {
	case OpEq:
		return c == 0
	case OpNe:
		return c != 0
	case OpGt:
		return c > 0
	case OpGe:
		return c >= 0
	case OpLt:
		return c < 0
	case OpLe:
		return c <= 0
	}
	return false
}

// stringComparator compares strings, ignoring case unless exact.
func stringComparator(op Op, lit string, exact bool) func(any) bool {
	test := stringTest(op, lit, exact)
	return func(v any) bool { s, ok := v.(string); return ok && test(s) }
}

// stringTest builds the test of one operator on a string; "ne" is
// negated by the caller.
func stringTest(op Op, lit string, exact bool) func(string) bool {
	if exact {
		switch op {
		case OpEq, OpNe:
			return func(s string) bool { return s == lit }
		case OpCo:
			return func(s string) bool { return strings.Contains(s, lit) }
		case OpSw:
			return func(s string) bool { return strings.HasPrefix(s, lit) }
		case OpEw:
			return func(s string) bool { return strings.HasSuffix(s, lit) }
		}
		return func(s string) bool { return orderMatches(op, strings.Compare(s, lit)) }
	}
	switch op {
	case OpEq, OpNe:
		return func(s string) bool { return strings.EqualFold(s, lit) }
	case OpCo:
		if lower, ascii := asciiLower(lit); ascii {
			return func(s string) bool { return indexASCIIFold(s, lower) >= 0 }
		}
		return func(s string) bool { return containsFold(s, lit) }
	case OpSw:
		return func(s string) bool { return hasPrefixFold(s, lit) }
	case OpEw:
		return func(s string) bool { return hasSuffixFold(s, lit) }
	}
	lowerLit := strings.ToLower(lit)
	return func(s string) bool { return orderMatches(op, strings.Compare(strings.ToLower(s), lowerLit)) }
}

// containsFold is strings.Contains ignoring case.
func containsFold(s, sub string) bool {
	if sub == "" {
		return true
	}
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

// hasPrefixFold is strings.HasPrefix ignoring case.
func hasPrefixFold(s, p string) bool { return len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) }

// hasSuffixFold is strings.HasSuffix ignoring case.
func hasSuffixFold(s, p string) bool {
	return len(s) >= len(p) && strings.EqualFold(s[len(s)-len(p):], p)
}

// asciiLower lower-cases an ASCII string; ok is false for other strings.
func asciiLower(s string) (string, bool) {
	b := []byte(s)
	for i, c := range b {
		if c >= 0x80 {
			return "", false
		}
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b), true
}

// indexASCIIFold finds lower (ASCII, lower-case) in s ignoring ASCII case,
// without allocating; it is the fast path of "co" for ASCII literals.
func indexASCIIFold(s, lower string) int {
	n := len(lower)
	if n == 0 {
		return 0
	}
	first := lower[0]
	for i := 0; i+n <= len(s); i++ {
		if toLowerASCII(s[i]) != first {
			continue
		}
		j := 1
		for j < n && toLowerASCII(s[i+j]) == lower[j] {
			j++
		}
		if j == n {
			return i
		}
	}
	return -1
}

// toLowerASCII lower-cases one ASCII letter.
func toLowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
