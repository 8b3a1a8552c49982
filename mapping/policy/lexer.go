package policy

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokenKind classifies a token of the WhenToWork dialect.
type tokenKind int

const (
	tokEOF tokenKind = iota
	tokIdent
	tokString
	tokNumber
	tokRegex
	tokDot
	tokComma
	tokLParen
	tokRParen
	tokLBracket
	tokRBracket
	tokEq
	tokNe
	tokAnd
	tokOr
	tokNot
)

func (k tokenKind) String() string {
	switch k {
	case tokEOF:
		return "end of expression"
	case tokIdent:
		return "name"
	case tokString:
		return "quoted literal"
	case tokNumber:
		return "number"
	case tokRegex:
		return "regular expression"
	case tokEq:
		return "'='"
	case tokNe:
		return "'!='"
	case tokAnd:
		return "'and'"
	case tokOr:
		return "'or'"
	case tokNot:
		return "'not'"
	}
	return "'" + string(punctChars[k-tokDot]) + "'"
}

// punctChars are the one-character tokens tokDot to tokRBracket, in order.
const punctChars = ".,()[]"

// token is one lexeme. text holds the decoded value: the name, the
// unquoted string, the number, or the regex pattern (flags in flags).
type token struct {
	kind  tokenKind
	text  string
	flags string
	pos   int // byte offset of the first character
}

// Quote characters. A literal opened by any quote of a family is closed by
// the next quote of the same family, so ’SSO-V1|SSO-V2′ (right single
// quotation mark, prime) is one literal, as in the WhenToWork document.
const (
	singleQuotes = "'‘’‚‛′"
	doubleQuotes = "\"“”„‟″"
)

func quoteFamily(r rune) string {
	switch {
	case strings.ContainsRune(singleQuotes, r):
		return singleQuotes
	case strings.ContainsRune(doubleQuotes, r):
		return doubleQuotes
	}
	return ""
}

// lex splits src into tokens. src must be valid UTF-8.
func lex(src string) ([]token, error) {
	l := lexer{src: src}
	for {
		t, err := l.next()
		if err != nil {
			return nil, err
		}
		l.toks = append(l.toks, t)
		if t.kind == tokEOF {
			return l.toks, nil
		}
	}
}

type lexer struct {
	src  string
	pos  int
	toks []token
}

func (l *lexer) peek() (rune, int) {
	if l.pos >= len(l.src) {
		return -1, 0
	}
	return utf8.DecodeRuneInString(l.src[l.pos:])
}

func (l *lexer) next() (token, error) {
	for {
		r, n := l.peek()
		if r < 0 || !unicode.IsSpace(r) {
			break
		}
		l.pos += n
	}
	start := l.pos
	r, n := l.peek()
	switch {
	case r < 0:
		return token{kind: tokEOF, pos: start}, nil
	case isIdentStart(r):
		return l.ident(), nil
	case r >= '0' && r <= '9' || r == '-':
		return l.number()
	case r == '/':
		return l.regex()
	case quoteFamily(r) != "":
		return l.quoted(quoteFamily(r))
	}
	l.pos += n
	if i := strings.IndexRune(punctChars, r); i >= 0 {
		return token{kind: tokDot + tokenKind(i), pos: start}, nil
	}
	if r == '!' || r == '=' {
		if nr, nn := l.peek(); nr == '=' {
			l.pos += nn
			if r == '!' {
				return token{kind: tokNe, pos: start}, nil
			}
			return token{kind: tokEq, pos: start}, nil // "==" is accepted as "="
		}
		if r == '=' {
			return token{kind: tokEq, pos: start}, nil
		}
	}
	return token{}, errAt(start, ErrSyntax, "unexpected character %q", r)
}

func isIdentStart(r rune) bool {
	return r == '_' || r == '$' || r < utf8.RuneSelf && unicode.IsLetter(r)
}

func isIdentPart(r rune) bool {
	return isIdentStart(r) || r >= '0' && r <= '9' || r == '-' || r == ':'
}

// ident lexes a name; the keywords and, or, not are recognised in any case.
func (l *lexer) ident() token {
	start := l.pos
	for {
		r, n := l.peek()
		if r < 0 || !isIdentPart(r) {
			break
		}
		l.pos += n
	}
	text := l.src[start:l.pos]
	switch strings.ToLower(text) {
	case "and":
		return token{kind: tokAnd, pos: start}
	case "or":
		return token{kind: tokOr, pos: start}
	case "not":
		return token{kind: tokNot, pos: start}
	}
	return token{kind: tokIdent, text: text, pos: start}
}

// number lexes an optionally negative decimal number.
func (l *lexer) number() (token, error) {
	start := l.pos
	if l.src[l.pos] == '-' {
		l.pos++
	}
	digits, dot := 0, false
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		if c == '.' && !dot && digits > 0 {
			dot = true
		} else if c < '0' || c > '9' {
			break
		} else {
			digits++
		}
		l.pos++
	}
	if digits == 0 || l.src[l.pos-1] == '.' {
		return token{}, errAt(start, ErrSyntax, "malformed number")
	}
	return token{kind: tokNumber, text: l.src[start:l.pos], pos: start}, nil
}

// quoted lexes a literal delimited by quotes of one family. A backslash
// escapes a quote character or another backslash; any other backslash is
// kept, so 'DOMAIN\user' means what it says.
func (l *lexer) quoted(family string) (token, error) {
	start := l.pos
	_, n := l.peek()
	l.pos += n
	var b strings.Builder
	for {
		r, n := l.peek()
		switch {
		case r < 0:
			return token{}, errAt(start, ErrSyntax, "unterminated quoted literal")
		case r == '\\':
			l.pos += n
			if nr, nn := l.peek(); nr == '\\' || quoteFamily(nr) != "" {
				b.WriteRune(nr)
				l.pos += nn
				continue
			}
			b.WriteRune('\\')
			continue
		case strings.ContainsRune(family, r):
			l.pos += n
			return token{kind: tokString, text: b.String(), pos: start}, nil
		}
		b.WriteRune(r)
		l.pos += n
	}
}

// regex lexes /pattern/flags. "\/" stands for a slash inside the pattern;
// typographic quotes inside the pattern are read as straight quotes, so the
// document's /”w2w”/i is the pattern "w2w" with quotes.
func (l *lexer) regex() (token, error) {
	start := l.pos
	l.pos++
	var b strings.Builder
	for {
		r, n := l.peek()
		switch {
		case r < 0:
			return token{}, errAt(start, ErrSyntax, "unterminated regular expression")
		case r == '\\':
			l.pos += n
			if nr, nn := l.peek(); nr == '/' {
				b.WriteRune('/')
				l.pos += nn
				continue
			}
			b.WriteRune('\\')
			continue
		case r == '/':
			l.pos += n
			return l.regexFlags(start, b.String())
		}
		b.WriteRune(straightQuote(r))
		l.pos += n
	}
}

func (l *lexer) regexFlags(start int, pattern string) (token, error) {
	fstart := l.pos
	for l.pos < len(l.src) && l.src[l.pos] >= 'a' && l.src[l.pos] <= 'z' {
		l.pos++
	}
	flags := ""
	for i, c := range l.src[fstart:l.pos] {
		switch c {
		case 'i', 'm', 's':
			if !strings.ContainsRune(flags, c) {
				flags += string(c)
			}
		case 'g', 'u': // meaningless for a yes/no match; accepted as in JavaScript
		default:
			return token{}, errAt(fstart+i, ErrSyntax, "unknown regular expression flag %q (use i, m or s)", c)
		}
	}
	return token{kind: tokRegex, text: pattern, flags: flags, pos: start}, nil
}

func straightQuote(r rune) rune {
	switch quoteFamily(r) {
	case singleQuotes:
		return '\''
	case doubleQuotes:
		return '"'
	}
	return r
}
