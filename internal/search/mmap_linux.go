//go:build linux

package search

import (
	"fmt"
	"os"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// mapFile writes the parts into one file in dir, maps it read-only and
// removes its name, and returns each part's view of the mapping. The
// mapping stays until owner is garbage: searches still running on an index
// that was replaced keep reading it safely.
func mapFile[T any](owner *T, dir string, parts ...[]byte) ([][]byte, error) {
	f, err := os.CreateTemp(dir, "tekotori-index-*")
	if err != nil {
		return nil, fmt.Errorf("search: index file: %w", err)
	}
	// The file only backs the mapping: its name can go at once, and no
	// crash leaves it behind.
	defer f.Close()
	if err := os.Remove(f.Name()); err != nil {
		return nil, fmt.Errorf("search: index file: %w", err)
	}
	size := 0
	for _, p := range parts {
		if _, err := f.Write(p); err != nil {
			return nil, fmt.Errorf("search: write index file: %w", err)
		}
		size += len(p)
	}
	if size == 0 {
		return parts, nil
	}
	// Written pages stay cached, and the kernel maps cached pages around
	// each one a search touches: the whole index would soon count as the
	// process's memory. Written to disk and dropped from the cache, only
	// the pages searches read come back.
	if err := f.Sync(); err != nil {
		return nil, fmt.Errorf("search: write index file: %w", err)
	}
	_ = unix.Fadvise(int(f.Fd()), 0, int64(size), unix.FADV_DONTNEED) // advice only
	m, err := syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("search: map index file: %w", err)
	}
	// Postings are read here and there, not in order: reading ahead
	// would only fill memory.
	_ = unix.Madvise(m, unix.MADV_RANDOM)
	runtime.AddCleanup(owner, func(m []byte) { _ = syscall.Munmap(m) }, m)
	out := make([][]byte, len(parts))
	off := 0
	for i, p := range parts {
		out[i] = m[off : off+len(p) : off+len(p)]
		off += len(p)
	}
	return out, nil
}
