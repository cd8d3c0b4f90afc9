//go:build (amd64 || arm64) && (linux || darwin || ((freebsd || netbsd) && cgo))

package analysis

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"unsafe"

	"github.com/ebitengine/purego"
)

// voikkoLib is libvoikko, loaded at run time with purego: the binary does
// not link it, so it runs (with the fallback) where libvoikko is absent.
// The library is never unloaded.
type voikkoLib struct {
	version string

	init          func(errp **byte, langcode string, path *byte) unsafe.Pointer
	terminateFn   func(h unsafe.Pointer)
	analyzeWord   func(h unsafe.Pointer, word string) unsafe.Pointer
	analysisValue func(a unsafe.Pointer, key string) *byte
	freeValue     func(v *byte)
	freeAnalysis  func(as unsafe.Pointer)

	// Dictionary listing, to name the dictionary; optional.
	listDicts   func(path *byte) unsafe.Pointer
	freeDicts   func(dicts unsafe.Pointer)
	dictLang    func(d unsafe.Pointer) string
	dictVariant func(d unsafe.Pointer) string
}

// voikkoHandle is a struct VoikkoHandle *.
type voikkoHandle = unsafe.Pointer

// libvoikkoNames are the names dlopen tries, in order.
func libvoikkoNames() []string {
	if runtime.GOOS == "darwin" {
		return []string{"libvoikko.1.dylib", "/opt/homebrew/lib/libvoikko.1.dylib", "/usr/local/lib/libvoikko.1.dylib"}
	}
	return []string{"libvoikko.so.1"}
}

// openVoikko loads libvoikko and binds the functions the analyser needs.
func openVoikko() (*voikkoLib, error) { return openVoikkoFrom(libvoikkoNames()) }

// openVoikkoFrom is openVoikko trying the library names given.
func openVoikkoFrom(names []string) (*voikkoLib, error) {
	var (
		h    uintptr
		errs []error
	)
	for _, name := range names {
		var err error
		if h, err = purego.Dlopen(name, purego.RTLD_NOW|purego.RTLD_GLOBAL); err == nil {
			break
		}
		errs = append(errs, err)
	}
	if h == 0 {
		return nil, fmt.Errorf("library not loaded (install libvoikko1 and voikko-fi): %w", errors.Join(errs...))
	}
	lib := &voikkoLib{}
	var version func() string
	for _, f := range []struct {
		fptr any
		name string
	}{
		{&version, "voikkoGetVersion"},
		{&lib.init, "voikkoInit"},
		{&lib.terminateFn, "voikkoTerminate"},
		{&lib.analyzeWord, "voikkoAnalyzeWordCstr"},
		{&lib.analysisValue, "voikko_mor_analysis_value_cstr"},
		{&lib.freeValue, "voikko_free_mor_analysis_value_cstr"},
		{&lib.freeAnalysis, "voikko_free_mor_analysis"},
	} {
		sym, err := purego.Dlsym(h, f.name)
		if err != nil {
			return nil, fmt.Errorf("libvoikko lacks %s: %w", f.name, err)
		}
		purego.RegisterFunc(f.fptr, sym)
	}
	lib.version = version()
	optional := []struct {
		fptr any
		name string
	}{
		{&lib.listDicts, "voikko_list_dicts"},
		{&lib.freeDicts, "voikko_free_dicts"},
		{&lib.dictLang, "voikko_dict_language"},
		{&lib.dictVariant, "voikko_dict_variant"},
	}
	syms := make([]uintptr, len(optional))
	for i, f := range optional {
		sym, err := purego.Dlsym(h, f.name)
		if err != nil {
			return lib, nil // a libvoikko without dictionary listing still works
		}
		syms[i] = sym
	}
	for i, f := range optional {
		purego.RegisterFunc(f.fptr, syms[i])
	}
	return lib, nil
}

// newHandle opens a Voikko instance for Finnish with the default
// dictionary search path.
func (l *voikkoLib) newHandle() (voikkoHandle, error) {
	var msg *byte
	h := l.init(&msg, "fi\x00", nil)
	if h == nil {
		reason := "unknown error"
		if msg != nil {
			reason = cString(msg) // static string: not freed
		}
		return nil, fmt.Errorf("no Finnish dictionary (install voikko-fi): voikkoInit: %s", reason)
	}
	return h, nil
}

func (l *voikkoLib) terminate(h voikkoHandle) { l.terminateFn(h) }

// analyze returns Voikko's analyses of one word. The handle must not be
// in use by anyone else.
func (l *voikkoLib) analyze(h voikkoHandle, word string) []morAnalysis {
	arr := l.analyzeWord(h, word)
	if arr == nil {
		return nil
	}
	defer l.freeAnalysis(arr)
	var as []morAnalysis
	for i := 0; ; i++ {
		a := *(*unsafe.Pointer)(unsafe.Add(arr, i*int(unsafe.Sizeof(uintptr(0)))))
		if a == nil {
			break
		}
		as = append(as, morAnalysis{
			BaseForm:  l.value(a, "BASEFORM\x00"),
			WordBases: l.value(a, "WORDBASES\x00"),
		})
	}
	return as
}

// value reads one attribute of an analysis; "" when it is absent.
func (l *voikkoLib) value(a unsafe.Pointer, key string) string {
	v := l.analysisValue(a, key)
	if v == nil {
		return ""
	}
	s := cString(v)
	l.freeValue(v)
	return s
}

// dictionary names the Finnish dictionary Voikko uses, e.g. "standard 2.5"
// (variant, and the version from the dictionary's index.txt when found):
// a new dictionary can analyse words differently, so it belongs in the
// analyser's name. "" when unknown.
func (l *voikkoLib) dictionary() string {
	if l.listDicts == nil {
		return ""
	}
	dicts := l.listDicts(nil)
	if dicts == nil {
		return ""
	}
	defer l.freeDicts(dicts)
	variant := ""
	for i := 0; ; i++ {
		d := *(*unsafe.Pointer)(unsafe.Add(dicts, i*int(unsafe.Sizeof(uintptr(0)))))
		if d == nil {
			break
		}
		if l.dictLang(d) == "fi" {
			variant = l.dictVariant(d)
			break
		}
	}
	if variant == "" {
		return ""
	}
	if v := dictionaryVersion(variant); v != "" {
		return variant + " " + v
	}
	return variant
}

// dictionaryVersion reads SM-Version from the index.txt of the first
// dictionary of that variant on Voikko's search path.
func dictionaryVersion(variant string) string {
	var dirs []string
	if p := os.Getenv("VOIKKO_DICTIONARY_PATH"); p != "" {
		dirs = append(dirs, filepath.SplitList(p)...)
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, ".voikko"))
	}
	dirs = append(dirs, "/etc/voikko", "/usr/lib/voikko", "/usr/share/voikko",
		"/usr/local/lib/voikko", "/usr/local/share/voikko", "/opt/homebrew/lib/voikko")
	for _, dir := range dirs {
		f, err := os.Open(filepath.Join(dir, "5", "mor-"+variant, "index.txt"))
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		version := ""
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "SM-Version:"); ok {
				version = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
		return version
	}
	return ""
}

// cString copies a NUL-terminated C string.
func cString(p *byte) string {
	n := 0
	for *(*byte)(unsafe.Add(unsafe.Pointer(p), n)) != 0 {
		n++
	}
	return string(unsafe.Slice(p, n))
}
