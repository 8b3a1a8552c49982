package srccheck

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
)

// variableTime lists the calls that compare secrets in variable time.
var variableTime = map[string]bool{
	"strings.EqualFold": true, "strings.Compare": true, "strings.HasPrefix": true,
	"strings.Contains": true, "bytes.Equal": true, "bytes.Compare": true,
	"bytes.HasPrefix": true, "reflect.DeepEqual": true,
}

// ConstantTime reads the Go source file path and checks that the function
// (or method) named fn compares secrets only with
// subtle.ConstantTimeCompare: it must call it, and must not apply == or
// != (except against "" or nil) to, or pass to a variable-time
// comparison, any identifier or field whose name is in secrets. It returns one problem per violation.
func ConstantTime(path, fn string, secrets ...string) ([]string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		return nil, err
	}
	body := findFunc(f, fn)
	if body == nil {
		return nil, fmt.Errorf("srccheck: %s not found in %s", fn, path)
	}
	secret := map[string]bool{}
	for _, s := range secrets {
		secret[s] = true
	}
	var problems []string
	usesSubtle := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			name := callName(n)
			usesSubtle = usesSubtle || name == "subtle.ConstantTimeCompare"
			if variableTime[name] && anySecret(secret, n.Args...) {
				problems = append(problems, fmt.Sprintf("%s compares a secret with %s", fn, name))
			}
		case *ast.BinaryExpr:
			if (n.Op == token.EQL || n.Op == token.NEQ) && !isEmpty(n.X) && !isEmpty(n.Y) && anySecret(secret, n.X, n.Y) {
				problems = append(problems, fmt.Sprintf("%s compares a secret with %s", fn, n.Op))
			}
		}
		return true
	})
	if !usesSubtle {
		problems = append(problems, fn+" does not call subtle.ConstantTimeCompare")
	}
	return problems, nil
}

// isEmpty reports whether e is "" or nil: comparing a secret with them
// reveals only whether it is empty.
func isEmpty(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return e.Kind == token.STRING && (e.Value == `""` || e.Value == "``")
	case *ast.Ident:
		return e.Name == "nil"
	}
	return false
}

func findFunc(f *ast.File, name string) *ast.BlockStmt {
	for _, d := range f.Decls {
		if d, ok := d.(*ast.FuncDecl); ok && d.Name.Name == name {
			return d.Body
		}
	}
	return nil
}

func callName(c *ast.CallExpr) string {
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	pkg, ok := sel.X.(*ast.Ident)
	if !ok {
		return ""
	}
	return pkg.Name + "." + sel.Sel.Name
}

// anySecret reports whether any expression names a secret, directly, as
// a field, sliced, indexed or converted (not as an argument of
// subtle.ConstantTimeCompare, whose result is no secret).
func anySecret(secret map[string]bool, exprs ...ast.Expr) bool {
	found := false
	for _, e := range exprs {
		ast.Inspect(e, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if callName(n) == "subtle.ConstantTimeCompare" {
					return false // its result is not the secret
				}
			case *ast.Ident:
				found = found || secret[n.Name]
			case *ast.SelectorExpr:
				found = found || secret[n.Sel.Name]
			}
			return !found
		})
	}
	return found
}
