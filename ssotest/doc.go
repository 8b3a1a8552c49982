// Package ssotest runs real identity providers in process, for tests of
// ssokit itself and of host applications that embed it.
//
// Each provider is shaped like [net/http/httptest.Server]: configure it,
// start it, read its URL, and close it when the test ends. The providers
// speak the real protocols with real keys, so the code under test is
// exercised exactly as it would be against Okta, Entra ID or Google. Each has
// knobs that make it answer wrongly or with hostile content, for negative
// tests.
package ssotest
