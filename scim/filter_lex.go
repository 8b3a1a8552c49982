package scim

import (
	"encoding/json"
	"strconv"
)

// tokenKind classifies a filter token.
type tokenKind int

const (
	tokEOF tokenKind = iota
	tokWord
	tokString
	tokNumber
	tokLParen
	tokRParen
	tokLBracket
	tokRBracket
)

// token is one lexeme of a filter or path expression.
type token struct {
	kind tokenKind
	text string // the word, the decoded string or the number text
	num  float64
	pos  int
}

// lexer splits a filter expression into tokens.
type lexer struct {
	src  string
	pos  int
	kind error // ErrInvalidFilter or ErrInvalidPath
}

// fail builds a syntax error at the given offset.
func (l *lexer) fail(pos int, msg string) error {
	in := l.src
	if len(in) > 200 {
		in = in[:200]
	}
	return &SyntaxError{Input: in, Offset: pos, Msg: msg, Kind: l.kind}
}

// isWordByte reports whether c may appear in an attribute path, operator or
// literal word. ':' and '.' appear in schema URNs, '$' in "$ref".
func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '-' || c == ':' || c == '.' || c == '$'
}

// next returns the next token.
func (l *lexer) next() (token, error) {
	for l.pos < len(l.src) && (l.src[l.pos] == ' ' || l.src[l.pos] == '\t') {
		l.pos++
	}
	if l.pos >= len(l.src) {
		return token{kind: tokEOF, pos: l.pos}, nil
	}
	start := l.pos
	c := l.src[l.pos]
	switch {
	case c == '(':
		l.pos++
		return token{kind: tokLParen, pos: start}, nil
	case c == ')':
		l.pos++
		return token{kind: tokRParen, pos: start}, nil
	case c == '[':
		l.pos++
		return token{kind: tokLBracket, pos: start}, nil
	case c == ']':
		l.pos++
		return token{kind: tokRBracket, pos: start}, nil
	case c == '"':
		return l.lexString()
	case c == '-' || c >= '0' && c <= '9':
		if t, ok := l.lexNumber(); ok {
			return t, nil
		}
	}
	if !isWordByte(c) {
		return token{}, l.fail(start, "unexpected character "+strconv.QuoteRune(rune(c)))
	}
	for l.pos < len(l.src) && isWordByte(l.src[l.pos]) {
		l.pos++
	}
	return token{kind: tokWord, text: l.src[start:l.pos], pos: start}, nil
}

// lexString reads a JSON string literal.
func (l *lexer) lexString() (token, error) {
	start := l.pos
	i := l.pos + 1
	for i < len(l.src) && l.src[i] != '"' {
		if l.src[i] == '\\' {
			i++
		}
		i++
	}
	if i >= len(l.src) {
		return token{}, l.fail(start, "unterminated string")
	}
	var s string
	if err := json.Unmarshal([]byte(l.src[start:i+1]), &s); err != nil {
		return token{}, l.fail(start, "malformed string")
	}
	l.pos = i + 1
	return token{kind: tokString, text: s, pos: start}, nil
}

// lexNumber reads a JSON number; ok is false when the text is not one.
func (l *lexer) lexNumber() (token, bool) {
	i := l.pos
	for i < len(l.src) && (isWordByte(l.src[i]) || l.src[i] == '+') {
		i++
	}
	text := l.src[l.pos:i]
	if !json.Valid([]byte(text)) {
		return token{}, false
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return token{}, false
	}
	t := token{kind: tokNumber, text: text, num: f, pos: l.pos}
	l.pos = i
	return t, true
}
