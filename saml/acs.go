package saml

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// ErrBadRequest reports an ACS request that is not a POST carrying a
// SAMLResponse form field.
var ErrBadRequest = errors.New("saml: bad ACS request")

// ACSResult is what an ACS request carried once verified.
type ACSResult struct {
	Assertion  *Assertion
	RelayState string // untrusted: validate before redirecting to it
}

// HandleACS reads the HTTP-POST binding form from r (body limited to about
// MaxResponseBytes in base64 plus room for RelayState), and verifies its
// SAMLResponse. requestIDs are the AuthnRequest IDs this browser started. It
// is meant to be called from the host's ACS http.Handler.
func (sp *ServiceProvider) HandleACS(ctx context.Context, w http.ResponseWriter, r *http.Request, requestIDs []string) (*ACSResult, error) {
	if r.Method != http.MethodPost {
		return nil, fmt.Errorf("%w: method %s, want POST", ErrBadRequest, r.Method)
	}
	limit := int64(sp.maxLen)*4/3 + 16<<10
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, &SizeError{What: "ACS request body", Limit: int(limit)}
		}
		return nil, fmt.Errorf("%w: %w", ErrBadRequest, err)
	}
	enc := r.PostForm.Get("SAMLResponse")
	if enc == "" {
		return nil, fmt.Errorf("%w: no SAMLResponse field", ErrBadRequest)
	}
	a, err := sp.VerifyResponse(ctx, enc, requestIDs)
	if err != nil {
		return nil, err
	}
	return &ACSResult{Assertion: a, RelayState: r.PostForm.Get("RelayState")}, nil
}
