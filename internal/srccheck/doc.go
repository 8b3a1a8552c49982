// Package srccheck holds source-reading checks for rules that no
// behaviour test can observe, such as "this comparison takes the same
// time whatever the input": a test names the function and the package's
// test fails if the rule is removed from the source.
package srccheck
