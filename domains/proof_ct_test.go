package domains

import (
	"go/ast"
	"go/parser"
	"go/token"
	"testing"
)

// The token comparison must take the same time whatever the record
// holds. Timing cannot be asserted in a unit test, so this reads the
// source: matchAny compares with subtle.ConstantTimeCompare and never
// with ==, != or a strings/bytes comparison on the record or the token.
func TestProofComparisonIsConstantTime(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "proof.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var fn *ast.FuncDecl
	for _, d := range f.Decls {
		if d, ok := d.(*ast.FuncDecl); ok && d.Name.Name == "matchAny" {
			fn = d
		}
	}
	if fn == nil {
		t.Fatal("matchAny not found in proof.go")
	}
	secret := map[string]bool{"t": true, "token": true}
	constantTime := false
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
				if pkg, ok := sel.X.(*ast.Ident); ok {
					switch pkg.Name + "." + sel.Sel.Name {
					case "subtle.ConstantTimeCompare":
						constantTime = true
					case "strings.EqualFold", "strings.Compare", "bytes.Equal", "bytes.Compare", "strings.Contains", "strings.HasPrefix":
						t.Errorf("matchAny compares with %s.%s, which is not constant-time", pkg.Name, sel.Sel.Name)
					}
				}
			}
		case *ast.BinaryExpr:
			if n.Op == token.EQL || n.Op == token.NEQ {
				for _, side := range []ast.Expr{n.X, n.Y} {
					if id, ok := side.(*ast.Ident); ok && secret[id.Name] {
						t.Errorf("matchAny compares %s with %s", id.Name, n.Op)
					}
				}
			}
		}
		return true
	})
	if !constantTime {
		t.Error("matchAny does not use subtle.ConstantTimeCompare")
	}
}
