package sso

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// MaxSecretFileBytes bounds a file: secret reference.
const MaxSecretFileBytes = 64 << 10

// Secrets resolves secret references in connection parameters: a value
// "env:NAME" is the environment variable NAME, "file:/path" the content of
// the file (a trailing newline removed), anything else the value itself.
// The zero value reads the process environment and file system.
type Secrets struct {
	// LookupEnv replaces os.LookupEnv (tests).
	LookupEnv func(string) (string, bool)
	// ReadFile replaces reading from the file system (tests).
	ReadFile func(string) ([]byte, error)
}

// Resolve returns the secret a value stands for. Errors name the reference,
// never a secret.
func (s Secrets) Resolve(v string) (string, error) {
	switch {
	case strings.HasPrefix(v, "env:"):
		name := strings.TrimPrefix(v, "env:")
		look := s.LookupEnv
		if look == nil {
			look = os.LookupEnv
		}
		val, ok := look(name)
		if name == "" || !ok || val == "" {
			return "", fmt.Errorf("environment variable %q is not set", name)
		}
		return val, nil
	case strings.HasPrefix(v, "file:"):
		path := strings.TrimPrefix(v, "file:")
		if path == "" {
			return "", fmt.Errorf("empty file reference")
		}
		data, err := s.readFile(path)
		if err != nil {
			return "", fmt.Errorf("secret file %q: %w", path, err)
		}
		val := strings.TrimRight(string(data), "\r\n")
		if val == "" {
			return "", fmt.Errorf("secret file %q is empty", path)
		}
		return val, nil
	}
	return v, nil
}

func (s Secrets) readFile(path string) ([]byte, error) {
	if s.ReadFile != nil {
		return s.ReadFile(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSecretFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxSecretFileBytes {
		return nil, fmt.Errorf("larger than %d bytes", MaxSecretFileBytes)
	}
	return data, nil
}

// isSecretRef reports whether v is a reference rather than a literal.
func isSecretRef(v string) bool {
	return strings.HasPrefix(v, "env:") || strings.HasPrefix(v, "file:")
}
