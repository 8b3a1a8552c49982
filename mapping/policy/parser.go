package policy

import "strings"

// Nesting bounds of the dialect, well inside CEL's parser recursion limit.
const (
	maxDepth    = 32 // parentheses and "not"
	maxPathSegs = 16 // claim names in one reference
)

// node is a node of a parsed dialect expression.
type node interface{ offset() int }

// logicNode is "l and r" or "l or r".
type logicNode struct {
	op   tokenKind
	l, r node
	at   int
}

// notNode is "not x".
type notNode struct {
	x  node
	at int
}

// cmpNode is "l = r" or "l != r".
type cmpNode struct {
	op   tokenKind
	l, r node
	at   int
}

// pathNode is a claim reference: DOCUMENT.claim.sub or DOCUMENT['claim'].
type pathNode struct {
	doc  string // CEL variable name, lower case
	segs []string
	at   int
}

// litNode is a quoted string, number, true or false.
type litNode struct {
	kind tokenKind // tokString, tokNumber or tokIdent (true/false)
	text string
	at   int
}

// regexNode is /pattern/flags.
type regexNode struct {
	pattern, flags string
	at             int
}

// callNode is name(args...) with a lower-cased name.
type callNode struct {
	name string
	args []node
	at   int
}

func (n *logicNode) offset() int { return n.at }
func (n *notNode) offset() int   { return n.at }
func (n *cmpNode) offset() int   { return n.at }
func (n *pathNode) offset() int  { return n.at }
func (n *litNode) offset() int   { return n.at }
func (n *regexNode) offset() int { return n.at }
func (n *callNode) offset() int  { return n.at }

// document maps a dialect document name (any case) to its CEL variable.
func document(name string) (string, bool) {
	switch v := strings.ToLower(name); v {
	case varIDToken, varAccessToken, varUserInfo, varSAML:
		return v, true
	}
	return "", false
}

// parse parses one dialect expression.
func parse(src string) (node, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := parser{toks: toks}
	n, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, errAt(t.pos, ErrSyntax, "unexpected %s", t.kind)
	}
	return n, nil
}

type parser struct {
	toks []token
	i    int
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) take() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *parser) expect(k tokenKind) (token, error) {
	t := p.take()
	if t.kind != k {
		return t, errAt(t.pos, ErrSyntax, "expected %s, found %s", k, t.kind)
	}
	return t, nil
}

func (p *parser) or(depth int) (node, error) {
	return p.logic(depth, tokOr, p.and)
}

func (p *parser) and(depth int) (node, error) {
	return p.logic(depth, tokAnd, p.unary)
}

func (p *parser) logic(depth int, op tokenKind, sub func(int) (node, error)) (node, error) {
	l, err := sub(depth)
	if err != nil {
		return nil, err
	}
	for p.peek().kind == op {
		t := p.take()
		r, err := sub(depth)
		if err != nil {
			return nil, err
		}
		l = &logicNode{op: op, l: l, r: r, at: t.pos}
	}
	return l, nil
}

// unary parses "not x", a parenthesised expression, a function call, or a
// comparison. A bare claim reference means "claim = true".
func (p *parser) unary(depth int) (node, error) {
	t := p.peek()
	if depth >= maxDepth {
		return nil, errAt(t.pos, ErrTooLarge, "expression nested deeper than %d levels", maxDepth)
	}
	switch t.kind {
	case tokNot:
		p.take()
		x, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		return &notNode{x: x, at: t.pos}, nil
	case tokLParen:
		p.take()
		x, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(tokRParen); err != nil {
			return nil, err
		}
		return x, nil
	case tokIdent:
		if p.toks[p.i+1].kind == tokLParen {
			return p.call()
		}
	}
	return p.comparison()
}

func (p *parser) comparison() (node, error) {
	l, err := p.operand()
	if err != nil {
		return nil, err
	}
	op := p.peek()
	if op.kind != tokEq && op.kind != tokNe {
		if path, ok := l.(*pathNode); ok {
			return &cmpNode{op: tokEq, l: path, r: &litNode{kind: tokIdent, text: "true", at: path.at}, at: path.at}, nil
		}
		return nil, errAt(op.pos, ErrSyntax, "expected '=' or '!=', found %s", op.kind)
	}
	p.take()
	r, err := p.operand()
	if err != nil {
		return nil, err
	}
	return &cmpNode{op: op.kind, l: l, r: r, at: op.pos}, nil
}

// operand parses a claim reference or a literal.
func (p *parser) operand() (node, error) {
	t := p.take()
	switch t.kind {
	case tokString, tokNumber:
		return &litNode{kind: t.kind, text: t.text, at: t.pos}, nil
	case tokIdent:
		if b := strings.ToLower(t.text); b == "true" || b == "false" {
			return &litNode{kind: tokIdent, text: b, at: t.pos}, nil
		}
		return p.path(t)
	case tokRegex:
		return nil, errAt(t.pos, ErrSyntax, "a regular expression is only allowed as the pattern of match()")
	}
	return nil, errAt(t.pos, ErrSyntax, "expected a claim or a literal, found %s", t.kind)
}

// path parses the rest of DOCUMENT.claim.sub or DOCUMENT['claim'] after the
// document name t.
func (p *parser) path(t token) (node, error) {
	doc, ok := document(t.text)
	if !ok {
		return nil, errAt(t.pos, ErrUnknownName, "unknown document %q (use IDTOKEN, ACCESSTOKEN, USERINFO or SAML)", t.text)
	}
	n := &pathNode{doc: doc, at: t.pos}
	for {
		switch p.peek().kind {
		case tokDot:
			p.take()
			seg, err := p.expect(tokIdent)
			if err != nil {
				return nil, errAt(seg.pos, ErrSyntax, "expected a claim name after '.', found %s", seg.kind)
			}
			n.segs = append(n.segs, seg.text)
			continue
		case tokLBracket:
			p.take()
			seg, err := p.expect(tokString)
			if err != nil {
				return nil, errAt(seg.pos, ErrSyntax, "expected a quoted claim name after '[', found %s", seg.kind)
			}
			if _, err := p.expect(tokRBracket); err != nil {
				return nil, err
			}
			n.segs = append(n.segs, seg.text)
			continue
		}
		break
	}
	if len(n.segs) > maxPathSegs {
		return nil, errAt(t.pos, ErrTooLarge, "claim reference deeper than %d names", maxPathSegs)
	}
	if len(n.segs) == 0 {
		return nil, errAt(t.pos, ErrSyntax, "%s needs a claim name, as in %s.email", t.text, t.text)
	}
	return n, nil
}

// call parses name(arg, ...); arguments are operands or regexes.
func (p *parser) call() (node, error) {
	name := p.take()
	p.take() // '('
	n := &callNode{name: strings.ToLower(name.text), at: name.pos}
	for p.peek().kind != tokRParen {
		if len(n.args) > 0 {
			if _, err := p.expect(tokComma); err != nil {
				return nil, err
			}
		}
		if t := p.peek(); t.kind == tokRegex {
			p.take()
			n.args = append(n.args, &regexNode{pattern: t.text, flags: t.flags, at: t.pos})
			continue
		}
		a, err := p.operand()
		if err != nil {
			return nil, err
		}
		n.args = append(n.args, a)
	}
	p.take()
	return n, nil
}
