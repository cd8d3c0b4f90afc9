//go:build (amd64 || arm64) && (linux || darwin || ((freebsd || netbsd) && cgo))

package analysis

import (
	"runtime"
	"strings"
	"testing"
)

func TestOpenVoikkoMissingLibrary(t *testing.T) {
	_, err := openVoikkoFrom([]string{"libvoikko-does-not-exist.so.9"})
	if err == nil || !strings.Contains(err.Error(), "library not loaded") || !strings.Contains(err.Error(), "libvoikko-does-not-exist.so.9") {
		t.Errorf("missing library: err = %v", err)
	}
	t.Log(err)
	if runtime.GOOS == "linux" {
		// A library that loads but is not libvoikko lacks its symbols.
		if _, err := openVoikkoFrom([]string{"libc.so.6"}); err == nil || !strings.Contains(err.Error(), "lacks voikkoGetVersion") {
			t.Errorf("libc: err = %v", err)
		}
	}
}
