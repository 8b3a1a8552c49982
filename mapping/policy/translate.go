package policy

import (
	"regexp"
	"strconv"
	"strings"
)

// claimPath is a claim referenced by a dialect expression.
type claimPath struct {
	doc  string // CEL variable name
	segs []string
}

// String renders the path in the dialect, e.g. IDTOKEN.email or
// SAML['urn:oid:0.9.2342.19200300.100.1.3'].
func (c claimPath) String() string {
	return claimRef(strings.ToUpper(c.doc), c.segs)
}

func claimRef(doc string, segs []string) string {
	var b strings.Builder
	b.WriteString(doc)
	for _, s := range segs {
		if isPlainName(s) {
			b.WriteString("." + s)
		} else {
			b.WriteString("['" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "']")
		}
	}
	return b.String()
}

func isPlainName(s string) bool {
	for i, r := range s {
		if i == 0 && !isIdentStart(r) || !isIdentPart(r) {
			return false
		}
	}
	return s != "" && !isKeyword(s)
}

func isKeyword(s string) bool {
	switch strings.ToLower(s) {
	case "and", "or", "not", "true", "false":
		return true
	}
	return false
}

// translation is the CEL form of a dialect expression.
type translation struct {
	cel     string
	paths   []claimPath
	regexes map[string]*boundedRegex
}

// translate turns a parsed dialect expression into CEL text, collecting the
// claims it reads and compiling its regular expressions.
func translate(n node) (*translation, error) {
	t := &translation{regexes: map[string]*boundedRegex{}}
	var b strings.Builder
	if err := t.emit(&b, n); err != nil {
		return nil, err
	}
	t.cel = b.String()
	return t, nil
}

func (t *translation) emit(b *strings.Builder, n node) error {
	switch n := n.(type) {
	case *logicNode:
		return t.logic(b, n)
	case *notNode:
		return t.emitAll(b, "!(", n.x, ")")
	case *cmpNode:
		if n.op == tokNe {
			b.WriteString("!")
		}
		return t.emitAll(b, fnEquals+"(", n.l, ", ", n.r, ")")
	case *pathNode:
		t.paths = append(t.paths, claimPath{doc: n.doc, segs: n.segs})
		b.WriteString(n.doc)
		for _, s := range n.segs {
			b.WriteString("[" + strconv.Quote(s) + "]")
		}
	case *litNode:
		return emitLiteral(b, n)
	case *callNode:
		return t.call(b, n)
	case *regexNode:
		return errAt(n.at, ErrSyntax, "a regular expression is only allowed as the pattern of match()")
	}
	return nil
}

// logic writes "l && r" or "l || r". A long chain of one operator is
// written flat (CEL balances it), so only the dialect's own parentheses,
// bounded by maxDepth, become nested CEL parentheses.
func (t *translation) logic(b *strings.Builder, n *logicNode) error {
	op := " && "
	if n.op == tokOr {
		op = " || "
	}
	if err := t.operand(b, n.op, n.l); err != nil {
		return err
	}
	b.WriteString(op)
	return t.operand(b, n.op, n.r)
}

// operand writes a logic operand, in parentheses unless it is a chain of
// the same operator or a term that binds tighter.
func (t *translation) operand(b *strings.Builder, op tokenKind, n node) error {
	if l, ok := n.(*logicNode); ok && l.op != op {
		return t.emitAll(b, "(", n, ")")
	}
	return t.emit(b, n)
}

// emitAll writes strings as they are and nodes translated.
func (t *translation) emitAll(b *strings.Builder, parts ...any) error {
	for _, p := range parts {
		if s, ok := p.(string); ok {
			b.WriteString(s)
			continue
		}
		if err := t.emit(b, p.(node)); err != nil {
			return err
		}
	}
	return nil
}

// call translates match(), stringinstring() and among().
func (t *translation) call(b *strings.Builder, n *callNode) error {
	switch n.name {
	case "match", "stringinstring", "among":
	default:
		return errAt(n.at, ErrUnknownName, "unknown function %q (use match, stringinstring or among)", n.name)
	}
	if len(n.args) != 2 {
		return errAt(n.at, ErrType, "%s() takes 2 arguments, got %d", n.name, len(n.args))
	}
	subject, arg := n.args[0], n.args[1]
	if _, ok := subject.(*regexNode); ok {
		return errAt(subject.offset(), ErrType, "the first argument of %s() is the text to test, not a regular expression", n.name)
	}
	switch n.name {
	case "match":
		return t.match(b, subject, arg)
	case "stringinstring":
		if _, ok := arg.(*regexNode); ok {
			return errAt(arg.offset(), ErrType, "stringinstring() looks for text; use match() for a regular expression")
		}
		return t.emitAll(b, fnContains+"(", subject, ", ", arg, ")")
	}
	return t.among(b, subject, arg)
}

// match translates match(subject, /re/flags) and match(subject, 'text').
// A quoted pattern is plain text compared case-insensitively; a regex is
// case-sensitive unless its flags include i.
func (t *translation) match(b *strings.Builder, subject, arg node) error {
	var pattern string
	switch a := arg.(type) {
	case *regexNode:
		pattern = a.pattern
		if a.flags != "" {
			pattern = "(?" + a.flags + ")" + pattern
		}
	case *litNode:
		if a.kind != tokString {
			return errAt(a.at, ErrType, "the pattern of match() must be /regex/ or a quoted literal")
		}
		pattern = "(?i)" + regexp.QuoteMeta(a.text)
	default:
		return errAt(arg.offset(), ErrType, "the pattern of match() must be /regex/ or a quoted literal, not a claim")
	}
	re, err := compileRegex(pattern)
	if err != nil {
		rerr := err.(*regexError)
		return errAt(arg.offset(), rerr.err, "%s", rerr.msg)
	}
	t.regexes[pattern] = re
	if err := t.emitAll(b, fnMatches+"(", subject, ", "); err != nil {
		return err
	}
	b.WriteString(strconv.Quote(pattern) + ")")
	return nil
}

// maxAmongList bounds the alternatives among() turns into a CEL list
// literal; longer lists are split at evaluation time, which is cheaper than
// type-checking a huge literal.
const maxAmongList = 64

// among translates among(subject, 'A|B') into an equality with the list
// ["A", "B"]; a pattern read from a claim or with many alternatives is
// split at evaluation time.
func (t *translation) among(b *strings.Builder, subject, arg node) error {
	lit, ok := arg.(*litNode)
	if !ok || lit.kind != tokString || strings.Count(lit.text, "|") >= maxAmongList {
		if _, isRe := arg.(*regexNode); isRe {
			return errAt(arg.offset(), ErrType, "among() takes 'A|B' alternatives, not a regular expression")
		}
		return t.emitAll(b, fnAmong+"(", subject, ", ", arg, ")")
	}
	if err := t.emitAll(b, fnEquals+"(", subject, ", ["); err != nil {
		return err
	}
	for i, choice := range strings.Split(lit.text, "|") {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(choice))
	}
	b.WriteString("])")
	return nil
}

// emitLiteral writes a literal in CEL syntax. Numbers are re-formatted so
// that forms CEL rejects (leading zeros) cannot reach the CEL parser.
func emitLiteral(b *strings.Builder, n *litNode) error {
	switch {
	case n.kind == tokString:
		b.WriteString(strconv.Quote(n.text))
	case n.kind == tokIdent:
		b.WriteString(n.text) // true or false
	case strings.Contains(n.text, "."):
		f, err := strconv.ParseFloat(n.text, 64)
		if err != nil {
			return errAt(n.at, ErrSyntax, "number out of range")
		}
		text := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(text, ".") {
			text += ".0"
		}
		b.WriteString(text)
	default:
		i, err := strconv.ParseInt(n.text, 10, 64)
		if err != nil {
			return errAt(n.at, ErrSyntax, "number out of range")
		}
		b.WriteString(strconv.FormatInt(i, 10))
	}
	return nil
}
