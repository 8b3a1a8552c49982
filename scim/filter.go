package scim

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Filter is a node of a parsed RFC 7644 filter: *[AttrExpr], *[LogicalExpr],
// *[NotExpr] or *[ValuePathExpr]. A Store may translate it (for example into
// SQL) or evaluate it with [NewMatcher].
type Filter interface {
	// String renders the node back into filter syntax.
	String() string
	isFilter()
}

// Op is a comparison operator of an attribute expression.
type Op string

// The comparison operators of RFC 7644 section 3.4.2.2.
const (
	OpEq Op = "eq"
	OpNe Op = "ne"
	OpCo Op = "co"
	OpSw Op = "sw"
	OpEw Op = "ew"
	OpPr Op = "pr"
	OpGt Op = "gt"
	OpGe Op = "ge"
	OpLt Op = "lt"
	OpLe Op = "le"
)

// LogicalOp joins two filters.
type LogicalOp string

// The logical operators.
const (
	And LogicalOp = "and"
	Or  LogicalOp = "or"
)

// AttrPath names an attribute: an optional schema URI (empty for the core
// schema), the attribute name and an optional sub-attribute. After
// [Canonicalize] the names carry the schema's spelling.
type AttrPath struct {
	URI  string
	Name string
	Sub  string
}

// String renders the path as written in a filter.
func (p AttrPath) String() string {
	s := p.Name
	if p.Sub != "" {
		s += "." + p.Sub
	}
	if p.URI != "" {
		if s == "" {
			return p.URI
		}
		return p.URI + ":" + s
	}
	return s
}

// AttrExpr compares an attribute with a literal: Value is a string,
// float64, bool or nil (null); it is nil for [OpPr].
type AttrExpr struct {
	Path  AttrPath
	Op    Op
	Value any
}

// LogicalExpr is "Left and Right" or "Left or Right".
type LogicalExpr struct {
	Op          LogicalOp
	Left, Right Filter
}

// NotExpr is "not (Filter)".
type NotExpr struct {
	Filter Filter
}

// ValuePathExpr is "attr[filter]": true when one value of the multi-valued
// attribute Path satisfies Filter, whose paths are relative to the value.
type ValuePathExpr struct {
	Path   AttrPath
	Filter Filter
}

func (*AttrExpr) isFilter()      {}
func (*LogicalExpr) isFilter()   {}
func (*NotExpr) isFilter()       {}
func (*ValuePathExpr) isFilter() {}

// String renders the expression.
func (e *AttrExpr) String() string {
	if e.Op == OpPr {
		return e.Path.String() + " pr"
	}
	return e.Path.String() + " " + string(e.Op) + " " + literal(e.Value)
}

// String renders the expression with explicit grouping.
func (e *LogicalExpr) String() string {
	return "(" + e.Left.String() + " " + string(e.Op) + " " + e.Right.String() + ")"
}

// String renders the expression.
func (e *NotExpr) String() string { return "not (" + e.Filter.String() + ")" }

// String renders the expression.
func (e *ValuePathExpr) String() string {
	return e.Path.String() + "[" + e.Filter.String() + "]"
}

// literal renders a comparison value in filter syntax.
func literal(v any) string {
	switch v := v.(type) {
	case string:
		b, _ := json.Marshal(v) // JSON string syntax, as the grammar wants
		return string(b)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	return "null"
}

// MaxFilterLength bounds the length of a filter or PATCH path accepted by
// [ParseFilter] and [ParsePath].
const MaxFilterLength = 4096

// maxDepth bounds the nesting of parentheses and "not".
const maxDepth = 32

// parser is a recursive-descent parser over a lexer with one token of
// lookahead.
type parser struct {
	lx    lexer
	tok   token
	depth int
}

// newParser primes a parser for src.
func newParser(src string, kind error) (*parser, error) {
	p := &parser{lx: lexer{src: src, kind: kind}}
	if len(src) > MaxFilterLength {
		return nil, p.lx.fail(MaxFilterLength, "expression too long")
	}
	return p, p.advance()
}

// advance reads the next token.
func (p *parser) advance() error {
	t, err := p.lx.next()
	p.tok = t
	return err
}

// isKeyword reports whether the current token is the word kw, ignoring case.
func (p *parser) isKeyword(kw string) bool {
	return p.tok.kind == tokWord && strings.EqualFold(p.tok.text, kw)
}

// ParseFilter parses an RFC 7644 filter expression. Errors are
// *[SyntaxError] values wrapping [ErrInvalidFilter].
func ParseFilter(s string) (Filter, error) {
	p, err := newParser(s, ErrInvalidFilter)
	if err != nil {
		return nil, err
	}
	f, err := p.parseOr(true)
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tokEOF {
		return nil, p.lx.fail(p.tok.pos, "unexpected trailing input")
	}
	return f, nil
}

// parseOr parses "and-expression *(or and-expression)".
func (p *parser) parseOr(allowValuePath bool) (Filter, error) {
	left, err := p.parseAnd(allowValuePath)
	for err == nil && p.isKeyword("or") {
		if err = p.advance(); err != nil {
			return nil, err
		}
		var right Filter
		if right, err = p.parseAnd(allowValuePath); err == nil {
			left = &LogicalExpr{Op: Or, Left: left, Right: right}
		}
	}
	return left, err
}

// parseAnd parses "unary *(and unary)".
func (p *parser) parseAnd(allowValuePath bool) (Filter, error) {
	left, err := p.parseUnary(allowValuePath)
	for err == nil && p.isKeyword("and") {
		if err = p.advance(); err != nil {
			return nil, err
		}
		var right Filter
		if right, err = p.parseUnary(allowValuePath); err == nil {
			left = &LogicalExpr{Op: And, Left: left, Right: right}
		}
	}
	return left, err
}

// parseUnary parses "not (f)", "(f)", an attribute expression or a value
// path.
func (p *parser) parseUnary(allowValuePath bool) (Filter, error) {
	if p.depth++; p.depth > maxDepth {
		return nil, p.lx.fail(p.tok.pos, "expression nested too deeply")
	}
	defer func() { p.depth-- }()
	if p.isKeyword("not") {
		if err := p.advance(); err != nil {
			return nil, err
		}
		if p.tok.kind != tokLParen {
			return nil, p.lx.fail(p.tok.pos, `expected "(" after not`)
		}
		f, err := p.parseGroup(allowValuePath)
		if err != nil {
			return nil, err
		}
		return &NotExpr{Filter: f}, nil
	}
	if p.tok.kind == tokLParen {
		return p.parseGroup(allowValuePath)
	}
	return p.parseAttrExpr(allowValuePath)
}

// parseGroup parses "(" filter ")".
func (p *parser) parseGroup(allowValuePath bool) (Filter, error) {
	if err := p.advance(); err != nil {
		return nil, err
	}
	f, err := p.parseOr(allowValuePath)
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tokRParen {
		return nil, p.lx.fail(p.tok.pos, `expected ")"`)
	}
	return f, p.advance()
}

// parseAttrExpr parses "path pr", "path op value" or "path[filter]".
func (p *parser) parseAttrExpr(allowValuePath bool) (Filter, error) {
	if p.tok.kind != tokWord {
		return nil, p.lx.fail(p.tok.pos, "expected attribute path")
	}
	path, err := p.attrPath(p.tok)
	if err != nil {
		return nil, err
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind == tokLBracket {
		if !allowValuePath || path.Sub != "" {
			return nil, p.lx.fail(p.tok.pos, "value filter not allowed here")
		}
		inner, err := p.parseValueFilter()
		if err != nil {
			return nil, err
		}
		return p.parseValuePathSub(&ValuePathExpr{Path: path, Filter: inner})
	}
	return p.parseComparison(path)
}

// parseValuePathSub accepts the form Entra ID sends,
// emails[type eq "work"].value eq "x", and reads it as
// emails[type eq "work" and value eq "x"].
func (p *parser) parseValuePathSub(vp *ValuePathExpr) (Filter, error) {
	if p.tok.kind != tokWord || !strings.HasPrefix(p.tok.text, ".") {
		return vp, nil
	}
	sub := p.tok.text[1:]
	if !validAttrName(sub) {
		return nil, p.lx.fail(p.tok.pos, "malformed sub-attribute")
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	cmp, err := p.parseComparison(AttrPath{Name: sub})
	if err != nil {
		return nil, err
	}
	vp.Filter = &LogicalExpr{Op: And, Left: vp.Filter, Right: cmp}
	return vp, nil
}

// parseValueFilter parses "[" filter "]" and consumes the closing bracket.
func (p *parser) parseValueFilter() (Filter, error) {
	if err := p.advance(); err != nil {
		return nil, err
	}
	inner, err := p.parseOr(false)
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tokRBracket {
		return nil, p.lx.fail(p.tok.pos, `expected "]"`)
	}
	return inner, p.advance()
}

// parseComparison parses the operator and value after a path.
func (p *parser) parseComparison(path AttrPath) (Filter, error) {
	if p.tok.kind != tokWord {
		return nil, p.lx.fail(p.tok.pos, "expected operator")
	}
	op := Op(strings.ToLower(p.tok.text))
	switch op {
	case OpPr:
		return &AttrExpr{Path: path, Op: OpPr}, p.advance()
	case OpEq, OpNe, OpCo, OpSw, OpEw, OpGt, OpGe, OpLt, OpLe:
	default:
		return nil, p.lx.fail(p.tok.pos, "unknown operator "+strconv.Quote(p.tok.text))
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	v, err := p.compValue()
	if err != nil {
		return nil, err
	}
	return &AttrExpr{Path: path, Op: op, Value: v}, p.advance()
}

// compValue converts the current token into a comparison value.
func (p *parser) compValue() (any, error) {
	switch p.tok.kind {
	case tokString:
		return p.tok.text, nil
	case tokNumber:
		return p.tok.num, nil
	case tokWord:
		switch p.tok.text {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null":
			return nil, nil
		}
	}
	return nil, p.lx.fail(p.tok.pos, "expected a string, number, true, false or null")
}

// attrPath splits a word into schema URI, attribute and sub-attribute.
func (p *parser) attrPath(t token) (AttrPath, error) {
	return splitAttrPath(t.text, func(msg string) error { return p.lx.fail(t.pos, msg) })
}

// splitAttrPath parses "[urn:...:]name[.sub]".
func splitAttrPath(s string, fail func(string) error) (AttrPath, error) {
	var ap AttrPath
	if len(s) > 4 && strings.EqualFold(s[:4], "urn:") {
		if uri := knownSchemaURI(s); uri != "" {
			return AttrPath{URI: uri}, nil
		}
		i := strings.LastIndexByte(s, ':')
		ap.URI, s = s[:i], s[i+1:]
		if uri := knownSchemaURI(ap.URI); uri != "" {
			ap.URI = uri
		}
	}
	name, sub, dotted := strings.Cut(s, ".")
	if !validAttrName(name) || dotted && !validAttrName(sub) {
		return AttrPath{}, fail("malformed attribute path " + strconv.Quote(s))
	}
	ap.Name, ap.Sub = name, sub
	return ap, nil
}

// validAttrName checks the RFC 7643 ATTRNAME rule (plus "$ref").
func validAttrName(s string) bool {
	if s == "$ref" {
		return true
	}
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
