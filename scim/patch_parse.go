package scim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// MaxPatchOperations bounds the operations of one PATCH request.
const MaxPatchOperations = 1000

// PatchPath is a parsed PATCH path: an attribute (Attr.Sub set for
// "name.givenName"), an optional value filter ("emails[type eq "work"]")
// and, after a filter, the sub-attribute in Attr.Sub ("...].value").
type PatchPath struct {
	Attr   AttrPath
	Filter Filter
}

// String renders the path.
func (p *PatchPath) String() string {
	if p.Filter == nil {
		return p.Attr.String()
	}
	base := AttrPath{URI: p.Attr.URI, Name: p.Attr.Name}
	s := base.String() + "[" + p.Filter.String() + "]"
	if p.Attr.Sub != "" {
		s += "." + p.Attr.Sub
	}
	return s
}

// ParsePath parses a PATCH path (RFC 7644 section 3.5.2). Errors are
// *[SyntaxError] values wrapping [ErrInvalidPath].
func ParsePath(s string) (*PatchPath, error) {
	p, err := newParser(s, ErrInvalidPath)
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tokWord {
		return nil, p.lx.fail(p.tok.pos, "expected attribute path")
	}
	ap, err := p.attrPath(p.tok)
	if err != nil {
		return nil, err
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	pp := &PatchPath{Attr: ap}
	if p.tok.kind == tokLBracket {
		if ap.Sub != "" || ap.Name == "" {
			return nil, p.lx.fail(p.tok.pos, "value filter not allowed here")
		}
		if pp.Filter, err = p.parseValueFilter(); err != nil {
			return nil, err
		}
		if err := p.parseSubAfterFilter(pp); err != nil {
			return nil, err
		}
	}
	if p.tok.kind != tokEOF {
		return nil, p.lx.fail(p.tok.pos, "unexpected trailing input")
	}
	return pp, nil
}

// parseSubAfterFilter reads an optional ".subAttr" after "]".
func (p *parser) parseSubAfterFilter(pp *PatchPath) error {
	if p.tok.kind != tokWord || !strings.HasPrefix(p.tok.text, ".") {
		return nil
	}
	sub := p.tok.text[1:]
	if !validAttrName(sub) {
		return p.lx.fail(p.tok.pos, "malformed sub-attribute")
	}
	pp.Attr.Sub = sub
	return p.advance()
}

// PatchOp is one parsed PATCH operation. Op is "add", "replace" or
// "remove" (lower-cased: Entra ID sends "Replace"); Path is nil when the
// request has none; Value is the decoded JSON value.
type PatchOp struct {
	Op    string
	Path  *PatchPath
	Value any
}

// rawPatch is the wire form of a PatchOp request.
type rawPatch struct {
	Schemas    []string `json:"schemas"`
	Operations []struct {
		Op    string          `json:"op"`
		Path  *string         `json:"path"`
		Value json.RawMessage `json:"value"`
	} `json:"Operations"`
}

// ParsePatch parses a PatchOp request body. It checks the schema, the
// operation names (any case), the paths and the presence of values, and
// fails with an error wrapping [ErrInvalidSyntax], [ErrInvalidPath] or
// [ErrInvalidValue].
func ParsePatch(body []byte) ([]PatchOp, error) {
	var raw rawPatch
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, errorf(400, TypeInvalidSyntax, ErrInvalidSyntax, "body is not a PatchOp JSON object")
	}
	if !slices.ContainsFunc(raw.Schemas, func(s string) bool { return strings.EqualFold(s, PatchOpSchema) }) {
		return nil, errorf(400, TypeInvalidSyntax, ErrInvalidSyntax, "schemas must contain %s", PatchOpSchema)
	}
	if len(raw.Operations) == 0 || len(raw.Operations) > MaxPatchOperations {
		return nil, errorf(400, TypeInvalidSyntax, ErrInvalidSyntax, "Operations must hold 1 to %d operations", MaxPatchOperations)
	}
	ops := make([]PatchOp, 0, len(raw.Operations))
	for i, ro := range raw.Operations {
		op, err := parseOp(ro.Op, ro.Path, ro.Value)
		if err != nil {
			return nil, fmt.Errorf("operation %d: %w", i, err)
		}
		ops = append(ops, op)
	}
	return ops, nil
}

// parseOp validates one operation.
func parseOp(name string, path *string, value json.RawMessage) (PatchOp, error) {
	op := PatchOp{Op: strings.ToLower(strings.TrimSpace(name))}
	if op.Op != "add" && op.Op != "replace" && op.Op != "remove" {
		return op, errorf(400, TypeInvalidSyntax, ErrInvalidSyntax, "unknown op %q", name)
	}
	if path != nil && strings.TrimSpace(*path) != "" {
		pp, err := ParsePath(strings.TrimSpace(*path))
		if err != nil {
			return op, err
		}
		op.Path = pp
	}
	hasValue := len(value) > 0 && !bytes.Equal(bytes.TrimSpace(value), []byte("null"))
	if hasValue {
		if err := json.Unmarshal(value, &op.Value); err != nil {
			return op, errorf(400, TypeInvalidSyntax, ErrInvalidSyntax, "malformed value")
		}
	}
	switch {
	case op.Op == "remove" && op.Path == nil:
		return op, errorf(400, TypeNoTarget, ErrNoTarget, "remove needs a path")
	case op.Op != "remove" && !hasValue:
		return op, invalidValue("%s needs a value", op.Op)
	case op.Op != "remove" && op.Path == nil:
		if _, ok := op.Value.(map[string]any); !ok {
			return op, invalidValue("%s without a path needs an object value", op.Op)
		}
	}
	return op, nil
}
