package saml

import (
	"context"
	"fmt"
	"time"

	"github.com/beevik/etree"
)

const methodBearer = "urn:oasis:names:tc:SAML:2.0:cm:bearer"

// verification holds the state of one VerifyResponse call.
type verification struct {
	sp              *ServiceProvider
	now             time.Time
	requestIDs      []string
	responseSigned  bool
	assertionSigned bool
	inResponseTo    string // from the Response envelope
	scdInResponseTo string // from the bearer SubjectConfirmationData
	scdNotOnOrAfter time.Time
}

// assertion checks the verified Assertion element a and reads the result.
func (v *verification) assertion(a *etree.Element) (*Assertion, error) {
	if !is(a, nsAssertion, "Assertion") {
		return nil, malformed("assertion is not a SAML 2.0 Assertion", nil)
	}
	out := &Assertion{ID: a.SelectAttrValue("ID", ""), Issuer: v.sp.cfg.IdP.EntityID,
		ResponseSigned: v.responseSigned, AssertionSigned: v.assertionSigned}
	if out.ID == "" || a.SelectAttrValue("Version", "") != "2.0" {
		return nil, malformed("Assertion needs an ID and Version 2.0", nil)
	}
	steps := []func(*etree.Element, *Assertion) error{
		v.assertionIssuer, v.subject, v.conditions, v.inResponse, v.authnStatement, v.attributes,
	}
	for _, step := range steps {
		if err := step(a, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (v *verification) assertionIssuer(a *etree.Element, _ *Assertion) error {
	return v.checkIssuer(a, "Assertion", true)
}

// subject reads the NameID and checks the bearer subject confirmation.
func (v *verification) subject(a *etree.Element, out *Assertion) error {
	subj, err := child(a, nsAssertion, "Subject")
	if err != nil || subj == nil {
		return subjectErr("assertion has no single Subject")
	}
	nameID, err := child(subj, nsAssertion, "NameID")
	if err != nil || nameID == nil {
		return subjectErr("Subject has no single NameID")
	}
	out.NameID = NameID{Value: text(nameID), Format: nameID.SelectAttrValue("Format", ""),
		NameQualifier: nameID.SelectAttrValue("NameQualifier", ""), SPNameQualifier: nameID.SelectAttrValue("SPNameQualifier", "")}
	if out.NameID.Value == "" {
		return subjectErr("NameID is empty")
	}
	var lastErr error = subjectErr("no bearer SubjectConfirmation")
	for _, sc := range children(subj, nsAssertion, "SubjectConfirmation") {
		if sc.SelectAttrValue("Method", "") != methodBearer {
			continue
		}
		if lastErr = v.bearer(sc); lastErr == nil {
			return nil
		}
	}
	return lastErr
}

// bearer checks one bearer SubjectConfirmation's data: Recipient, times and
// InResponseTo (compared with the Response's in inResponse).
func (v *verification) bearer(sc *etree.Element) error {
	scd, err := child(sc, nsAssertion, "SubjectConfirmationData")
	if err != nil || scd == nil {
		return subjectErr("bearer confirmation has no SubjectConfirmationData")
	}
	if got := scd.SelectAttrValue("Recipient", ""); got != v.sp.cfg.ACSURL {
		return &RecipientError{Got: got, Want: v.sp.cfg.ACSURL}
	}
	nb, err := attrTime(scd, "NotBefore")
	if err != nil {
		return err
	}
	noa, err := attrTime(scd, "NotOnOrAfter")
	if err != nil {
		return err
	}
	if noa.IsZero() {
		return subjectErr("SubjectConfirmationData has no NotOnOrAfter")
	}
	if err := v.window("SubjectConfirmationData", nb, noa); err != nil {
		return err
	}
	v.scdInResponseTo = scd.SelectAttrValue("InResponseTo", "")
	v.scdNotOnOrAfter = noa
	return nil
}

// window checks NotBefore <= now+skew and now-skew < NotOnOrAfter.
func (v *verification) window(where string, nb, noa time.Time) error {
	skew := v.sp.skew
	if !nb.IsZero() && v.now.Add(skew).Before(nb) {
		return &TimeError{Field: where + " NotBefore", Bound: nb, Now: v.now, Skew: skew}
	}
	if !noa.IsZero() && !v.now.Add(-skew).Before(noa) {
		return &TimeError{Field: where + " NotOnOrAfter", Bound: noa, Now: v.now, Skew: skew}
	}
	return nil
}

// conditions checks the validity window and the audience restriction.
func (v *verification) conditions(a *etree.Element, out *Assertion) error {
	c, err := child(a, nsAssertion, "Conditions")
	if err != nil {
		return err
	}
	if c == nil {
		return &AudienceError{Want: v.sp.cfg.EntityID}
	}
	if out.NotBefore, err = attrTime(c, "NotBefore"); err != nil {
		return err
	}
	if out.NotOnOrAfter, err = attrTime(c, "NotOnOrAfter"); err != nil {
		return err
	}
	if err := v.window("Conditions", out.NotBefore, out.NotOnOrAfter); err != nil {
		return err
	}
	return v.audience(c)
}

// audience requires at least one AudienceRestriction and that every one of
// them names our entity ID (SAML core 2.5.1.4: all must be satisfied).
func (v *verification) audience(c *etree.Element) error {
	restrictions := children(c, nsAssertion, "AudienceRestriction")
	if len(restrictions) == 0 {
		return &AudienceError{Want: v.sp.cfg.EntityID}
	}
	for _, r := range restrictions {
		var got []string
		ok := false
		for _, au := range children(r, nsAssertion, "Audience") {
			got = append(got, text(au))
			ok = ok || text(au) == v.sp.cfg.EntityID
		}
		if !ok {
			return &AudienceError{Got: got, Want: v.sp.cfg.EntityID}
		}
	}
	return nil
}

// inResponse ties the response to a request we issued, or accepts an
// unsolicited one only when IdP-initiated login is enabled.
func (v *verification) inResponse(_ *etree.Element, out *Assertion) error {
	resp, scd := v.inResponseTo, v.scdInResponseTo
	if resp != "" && scd != "" && resp != scd {
		return malformed(fmt.Sprintf("Response InResponseTo %q differs from SubjectConfirmationData's %q", resp, scd), nil)
	}
	id := scd
	if id == "" {
		id = resp
	}
	if id == "" && !v.sp.cfg.InsecureAllowIdPInitiated {
		return &InResponseToError{}
	}
	if id != "" && !containsID(v.requestIDs, id) {
		return &InResponseToError{Got: id}
	}
	out.InResponseTo = id
	return nil
}

// authnStatement reads the single AuthnStatement.
func (v *verification) authnStatement(a *etree.Element, out *Assertion) error {
	st, err := child(a, nsAssertion, "AuthnStatement")
	if err != nil || st == nil {
		return malformed("assertion has no single AuthnStatement", err)
	}
	if out.AuthnInstant, err = attrTime(st, "AuthnInstant"); err != nil {
		return err
	}
	if out.AuthnInstant.IsZero() {
		return malformed("AuthnStatement has no AuthnInstant", nil)
	}
	if out.SessionNotOnOrAfter, err = attrTime(st, "SessionNotOnOrAfter"); err != nil {
		return err
	}
	if err := v.window("AuthnStatement Session", time.Time{}, out.SessionNotOnOrAfter); err != nil {
		return err
	}
	out.SessionIndex = st.SelectAttrValue("SessionIndex", "")
	if ctx, _ := child(st, nsAssertion, "AuthnContext"); ctx != nil {
		if ref, _ := child(ctx, nsAssertion, "AuthnContextClassRef"); ref != nil {
			out.AuthnContextClassRef = text(ref)
		}
	}
	return nil
}

// attributes reads every attribute with all its values; an attribute Name
// sent twice is rejected rather than silently merged or dropped.
func (v *verification) attributes(a *etree.Element, out *Assertion) error {
	seen := map[string]bool{}
	for _, st := range children(a, nsAssertion, "AttributeStatement") {
		for _, el := range children(st, nsAssertion, "Attribute") {
			at := Attribute{Name: el.SelectAttrValue("Name", ""), NameFormat: el.SelectAttrValue("NameFormat", ""),
				FriendlyName: el.SelectAttrValue("FriendlyName", "")}
			if at.Name == "" {
				return malformed("Attribute without Name", nil)
			}
			if seen[at.Name] {
				return &DuplicateAttributeError{Name: at.Name}
			}
			seen[at.Name] = true
			for _, val := range children(el, nsAssertion, "AttributeValue") {
				at.Values = append(at.Values, text(val))
			}
			out.Attributes = append(out.Attributes, at)
		}
	}
	return nil
}

// checkReplay records the assertion ID until the latest moment the
// assertion could still be accepted, and rejects it if already recorded.
func (v *verification) checkReplay(ctx context.Context, a *Assertion) error {
	until := a.NotOnOrAfter
	if until.IsZero() || v.scdNotOnOrAfter.After(until) {
		until = v.scdNotOnOrAfter
	}
	until = until.Add(v.sp.skew)
	seen, err := v.sp.replay.Seen(ctx, "saml:"+a.Issuer+"\x00"+a.ID, until)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrReplayCache, err)
	}
	if seen {
		return &ReplayError{ID: a.ID}
	}
	return nil
}
