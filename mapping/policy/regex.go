package policy

import (
	"fmt"
	"regexp"
	"regexp/syntax"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
)

// Regular expression bounds. Go's RE2 engine is linear in the text, but
// the factor is the size of the compiled program: a 600-byte pattern of
// bounded repetitions can compile to 50,000 instructions and take tens of
// seconds on 64 KiB of text. So a pattern's program is bounded, and one
// match is refused before it starts when text length × program size is
// over maxRegexWork (about 40 ms of matching at worst).
const (
	maxPatternLen = 1024    // bytes of pattern
	maxRegexInsts = 1000    // instructions of the compiled program
	maxRegexWork  = 1 << 22 // text bytes × program instructions per match
)

// boundedRegex is a compiled regular expression with its program size.
type boundedRegex struct {
	re    *regexp.Regexp
	insts int
}

// regexError says why a pattern was refused; err is ErrSyntax or ErrTooLarge.
type regexError struct {
	err error
	msg string
}

func (e *regexError) Error() string { return e.msg }

// compileRegex compiles a pattern within the bounds above.
func compileRegex(pattern string) (*boundedRegex, error) {
	if len(pattern) > maxPatternLen {
		return nil, &regexError{ErrTooLarge, fmt.Sprintf("regular expression longer than %d bytes", maxPatternLen)}
	}
	parsed, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, &regexError{ErrSyntax, "invalid regular expression: " + err.Error()}
	}
	prog, err := syntax.Compile(parsed.Simplify())
	if err != nil {
		return nil, &regexError{ErrSyntax, "invalid regular expression: " + err.Error()}
	}
	if n := len(prog.Inst); n > maxRegexInsts {
		return nil, &regexError{ErrTooLarge, fmt.Sprintf("regular expression too complex (%d instructions, at most %d)", n, maxRegexInsts)}
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, &regexError{ErrSyntax, "invalid regular expression: " + err.Error()}
	}
	return &boundedRegex{re: re, insts: len(prog.Inst)}, nil
}

// work is the matching work on text of n bytes, capped at maxRegexWork+1.
func (r *boundedRegex) work(n uint64) uint64 {
	return min(n*uint64(r.insts), maxRegexWork+1)
}

// matchText searches the regex in the claim's text, refusing a match whose
// work would exceed maxRegexWork.
func matchText(r *boundedRegex, subject ref.Val) ref.Val {
	text, errVal := claimText(subject)
	if errVal != nil {
		return errVal
	}
	if r.work(uint64(len(text))) > maxRegexWork {
		return types.NewErr("claim text of %d bytes too long for this regular expression", len(text))
	}
	return types.Bool(r.re.MatchString(text))
}
