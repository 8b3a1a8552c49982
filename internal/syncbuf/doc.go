// Package syncbuf holds a bytes buffer that is safe for concurrent writes,
// for tests that collect logs written from handler goroutines or from a
// child process's stderr while reading them.
package syncbuf
