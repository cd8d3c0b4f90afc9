//go:build !linux

package search

import "errors"

// segmentFiles exist only where the index can map files (Linux); elsewhere
// segments stay in memory.
type segmentFiles struct{}

func createSegmentFiles(dir string) (*segmentFiles, error) {
	return nil, errors.New("search: index files are not supported on this system")
}

func (o *segmentFiles) write(part int, p []byte) error { return nil }
func (o *segmentFiles) close()                         {}
func (o *segmentFiles) mapAll(owner *segment) ([3][]byte, error) {
	return [3][]byte{}, errors.New("search: index files are not supported on this system")
}

func (sg *segment) release(i int) {}
