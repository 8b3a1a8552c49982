// Package policy evaluates login test expressions: access rules over the
// claims of a login that every login must pass. Expressions are written in
// the WhenToWork dialect or in native CEL, and run on
// [github.com/google/cel-go], so evaluation is side-effect free, linear in
// its input and bounded by a cost limit.
//
// # Use
//
// Compile the tenant's expressions once, at configuration time, with
// [Compile]; a syntax error, an unknown function or a bad regular
// expression is a [*CompileError] naming the expression's index, its text
// and the column (all of them at once when several expressions are bad). On each login call [Policy.Evaluate] with the claims of
// the ID token, access token, userinfo response and SAML attributes
// ([Documents]); [Result.Err] is nil when every expression passed and a
// [*DeniedError] naming each failed expression and why otherwise.
// [Policy.DryRun] returns the same result plus every claim of every
// document, flattened and sorted, for the administrator's "Run" button.
//
// # The WhenToWork dialect
//
// The dialect is read by a small lexer and parser and translated to CEL
// (see [ExprResult].CEL for the translation). It has:
//
//   - claim references DOCUMENT.claim, DOCUMENT.claim.nested and
//     DOCUMENT['any claim name'], where DOCUMENT is IDTOKEN, ACCESSTOKEN,
//     USERINFO or SAML in any case; a dotted name is ASCII letters, digits,
//     _, $, : and - (not starting with a digit, not a keyword), any other
//     name goes in brackets, as [Policy.DryRun] shows it;
//   - literals in straight or typographic quotes ('x', "x", ‘x’, “x”, and
//     ’x′ as the WhenToWork document prints it: a literal ends at the next
//     quote of the same family, single or double), numbers, true and false;
//   - comparisons = (also ==) and !=; a bare claim reference means
//     "claim = true" (the boolean, not the string "true");
//   - and, or, not (any case) and parentheses, with not binding tightest
//     and "and" tighter than "or";
//   - match(claim, /regex/flags), match(claim, 'text'),
//     stringinstring(claim, 'text') and among(claim, 'A|B'); function
//     names are case-insensitive.
//
// An expression that starts with [NativePrefix] ("cel:") is native CEL over
// the variables idtoken, accesstoken, userinfo (map(string, dyn)) and saml
// (map(string, list(string))). No dialect expression can start with
// "cel:", so the rule cannot misfire. The functions claimEquals,
// claimMatches, claimContains and claimAmong below are available there too.
//
// # Semantics
//
//   - Equality against a list means "contains": IDTOKEN.aud = 'client'
//     holds when aud is "client" or a list containing "client"; two lists
//     are equal when they share an element. != is the negation of =.
//   - = and != on quoted literals are case-sensitive. Numbers compare by
//     value (30 = 30.0), and a string never equals a number.
//   - Claim names are case-sensitive, as JWT claim names are; document and
//     function names are not.
//   - match() with a /regex/ uses Go RE2 syntax, case-sensitive unless
//     the flags include i (flags i, m and s are honoured, g and u ignored).
//     Typographic quotes inside a regex are read as straight quotes.
//     match() with a quoted pattern searches for that text ignoring case.
//     Regular expressions are compiled once, at configuration time.
//   - stringinstring(claim, 'text') holds when the claim contains the
//     text, ignoring case.
//   - match() and stringinstring() see a string claim as it is and any
//     other claim as compact JSON, so on scp = ["openid","w2w"] the
//     document's example match(ACCESSTOKEN.scp,/”w2w”/i) finds the element
//     "w2w" with its quotes.
//   - among(claim, 'A|B') is claim = 'A' or claim = 'B' (case-sensitive,
//     and "contains" for a list claim). Alternatives are taken literally:
//     'A | B' has the alternatives "A " and " B".
//   - A claim present with a null value counts as missing.
//   - A missing claim makes the expression fail, with the claim named in
//     [ExprResult].Missing and Reason, even under not or != (CEL
//     propagates the error), unless an "or" with a true branch or an "and"
//     with a false branch settles the result without it.
//   - Every expression must be true; a policy with no expressions passes.
//
// # Limits
//
// [Options] bound the number and length of expressions and the CEL cost of
// one evaluation ([DefaultCostLimit]). The claim functions cap their own
// work (4,096 element comparisons, 64 KiB of claim text) and declare their
// worst-case cost to CEL's estimator. A regular expression may compile to
// at most 1,000 RE2 instructions, and a match is refused before it starts
// when text length × instructions exceeds 4 Mi (RE2 is linear in the text,
// but with the program size as factor); CEL's own matches() gets the same
// treatment in native expressions and must have a constant pattern there
// (claimMatches accepts a computed one). Thanks to these caps a dialect
// expression of a few clauses is proven under the limit at configuration
// time and runs without runtime cost tracking; a native expression with
// loops, or any expression the estimator cannot bound, runs with
// cel.CostLimit and fails when it exceeds it. Evaluation never panics:
// hostile claims or expressions give a failed expression or a
// [*CompileError].
package policy
