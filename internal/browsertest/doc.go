// Package browsertest runs headless Chromium for ssokit's end-to-end tests,
// with the flags this project's machines need and a fresh profile per test.
//
// [Chromium] skips the test when Chromium is not installed, unless the
// environment variable CI is set: in CI, .ci/setup.d/60-chromium.sh has
// installed it, so its absence fails the test.
package browsertest
