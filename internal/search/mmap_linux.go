//go:build linux

package search

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// segmentFiles are the three unnamed files a segment is written to.
type segmentFiles struct {
	f [3]*os.File
	w [3]*bufio.Writer
	n [3]int
}

func createSegmentFiles(dir string) (*segmentFiles, error) {
	out := &segmentFiles{}
	for i := range out.f {
		f, err := os.CreateTemp(dir, "tekotori-index-*")
		if err != nil {
			out.close()
			return nil, fmt.Errorf("search: index file: %w", err)
		}
		out.f[i] = f
		// The file only backs the mapping: its name can go at once, and
		// no crash leaves it behind.
		if err := os.Remove(f.Name()); err != nil {
			out.close()
			return nil, fmt.Errorf("search: index file: %w", err)
		}
		out.w[i] = bufio.NewWriterSize(f, 256<<10)
	}
	return out, nil
}

func (o *segmentFiles) write(part int, p []byte) error {
	o.n[part] += len(p)
	if _, err := o.w[part].Write(p); err != nil {
		return fmt.Errorf("search: write index file: %w", err)
	}
	return nil
}

func (o *segmentFiles) close() {
	for _, f := range o.f {
		if f != nil {
			f.Close()
		}
	}
}

// mapAll maps the written files read-only. The mappings stay until owner
// is garbage: searches still running on an index that was replaced keep
// reading them safely.
func (o *segmentFiles) mapAll(owner *segment) ([3][]byte, error) {
	defer o.close()
	var views, maps [3][]byte
	for i, f := range o.f {
		if err := o.w[i].Flush(); err != nil {
			return views, errors.Join(fmt.Errorf("search: write index file: %w", err), unmapAll(maps))
		}
		if o.n[i] == 0 {
			continue
		}
		// Written pages stay cached, and the kernel maps cached pages
		// around each one a search touches: the whole index would soon
		// count as the process's memory. Written to disk and dropped from
		// the cache, only the pages searches read come back.
		if err := f.Sync(); err != nil {
			return views, errors.Join(fmt.Errorf("search: write index file: %w", err), unmapAll(maps))
		}
		_ = unix.Fadvise(int(f.Fd()), 0, int64(o.n[i]), unix.FADV_DONTNEED) // advice only
		m, err := syscall.Mmap(int(f.Fd()), 0, o.n[i], syscall.PROT_READ, syscall.MAP_SHARED)
		if err != nil {
			return views, errors.Join(fmt.Errorf("search: map index file: %w", err), unmapAll(maps))
		}
		// Postings are read here and there, not in order: reading ahead
		// would only fill memory.
		_ = unix.Madvise(m, unix.MADV_RANDOM)
		maps[i] = m
	}
	for i, m := range maps {
		if m != nil {
			runtime.AddCleanup(owner, func(m []byte) { _ = syscall.Munmap(m) }, m)
		}
		views[i] = m[:len(m):len(m)]
	}
	return views, nil
}

func unmapAll(maps [3][]byte) error {
	var errs []error
	for _, m := range maps {
		if m != nil {
			errs = append(errs, syscall.Munmap(m))
		}
	}
	return errors.Join(errs...)
}

// release lets the kernel take back the pages of the dictionary, postings
// and positions of terms before term i, which a merge has read. (The
// pages stay in the page cache, which is not the process's memory.)
func (sg *segment) release(i int) {
	if !sg.mapped || i <= 0 {
		return
	}
	i = min(i, sg.len())
	page := uint32(os.Getpagesize())
	drop := func(b []byte, n uint32) {
		if n &^= page - 1; n > 0 && int(n) <= len(b) {
			_ = unix.Madvise(b[:n], unix.MADV_DONTNEED)
		}
	}
	drop(sg.dict, sg.dictOff[i])
	drop(sg.postings, sg.postOff[i])
	drop(sg.positions, sg.posOff[i])
}
