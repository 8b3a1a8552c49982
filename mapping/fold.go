package mapping

import "strings"

// MaxNameLen is the longest space, role, group or permission-rule name
// the catalog and rules accept, in bytes. Longer claim values cannot match
// and are not even lower-cased.
const MaxNameLen = 1024

// foldKey is the matching key of a name: surrounding blanks trimmed,
// lower-cased. Catalog and rule keys are stored folded.
func foldKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// folded is a name folded like foldKey, held in a stack buffer when it is
// short ASCII so that looking it up allocates nothing: a map index with
// string(bytes) does not copy.
type folded struct {
	buf   [128]byte
	n     int    // length in buf, or -1 when the name is in other
	other string // the folded name when it did not fit buf
	long  bool   // longer than MaxNameLen: matches nothing
}

// fold trims and lower-cases s into f.
func (f *folded) fold(s string) {
	s = strings.TrimSpace(s)
	f.n, f.other, f.long = -1, "", len(s) > MaxNameLen
	if f.long {
		return
	}
	if len(s) <= len(f.buf) {
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c >= 0x80 {
				f.other = strings.ToLower(s)
				return
			}
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			f.buf[i] = c
		}
		f.n = len(s)
		return
	}
	f.other = strings.ToLower(s)
}

// lookupFolded looks f up in m, whose keys are folded with foldKey.
func lookupFolded[V any](m map[string]V, f *folded) (V, bool) {
	if f.long {
		var zero V
		return zero, false
	}
	if f.n >= 0 {
		v, ok := m[string(f.buf[:f.n])]
		return v, ok
	}
	v, ok := m[f.other]
	return v, ok
}

// lookupFold looks s up in m, whose keys are folded with foldKey.
func lookupFold[V any](m map[string]V, s string) (V, bool) {
	var f folded
	f.fold(s)
	return lookupFolded(m, &f)
}
