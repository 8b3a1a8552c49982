// Package redistest starts real redis-server processes for ssokit's tests:
// on 127.0.0.1, on a free port, without persistence, stopped at cleanup.
//
// A test that needs Redis calls [Start]. When redis-server is not
// installed the test is skipped with a message saying how to install it,
// unless the environment variable CI is set: in CI, .ci/setup.d/10-redis.sh
// has installed it, so its absence fails the test.
package redistest
