//go:build !((amd64 || arm64) && (linux || darwin || ((freebsd || netbsd) && cgo)))

package analysis

import (
	"errors"
	"runtime"
)

// voikkoLib stands in for libvoikko where purego cannot load it.
type voikkoLib struct{ version string }

type voikkoHandle = *struct{}

func openVoikko() (*voikkoLib, error) {
	return nil, errors.New("loading libvoikko at run time is not supported on " + runtime.GOOS + "/" + runtime.GOARCH)
}

func (l *voikkoLib) newHandle() (voikkoHandle, error) { return nil, errors.ErrUnsupported }
func (l *voikkoLib) terminate(voikkoHandle)           {}
func (l *voikkoLib) analyze(voikkoHandle, string) []morAnalysis {
	return nil
}
func (l *voikkoLib) dictionary() string { return "" }
