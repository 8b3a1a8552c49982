package mapping

import "strings"

// foldKey is the matching key of a name: surrounding blanks trimmed,
// lower-cased. Catalog and rule keys are stored folded.
func foldKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// lookupFold looks s up in m, whose keys are folded with foldKey, without
// allocating when s is ASCII and short: the folded bytes live on the stack
// and the map index with string(bytes) does not copy.
func lookupFold[V any](m map[string]V, s string) (V, bool) {
	s = strings.TrimSpace(s)
	var buf [128]byte
	if len(s) <= len(buf) {
		ascii := true
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c >= 0x80 {
				ascii = false
				break
			}
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf[i] = c
		}
		if ascii {
			v, ok := m[string(buf[:len(s)])]
			return v, ok
		}
	}
	v, ok := m[strings.ToLower(s)]
	return v, ok
}
