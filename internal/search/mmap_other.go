//go:build !linux

package search

import "errors"

func mapFile[T any](owner *T, dir string, parts ...[]byte) ([][]byte, error) {
	return nil, errors.New("search: mapping the index to a file is not supported on this system")
}
