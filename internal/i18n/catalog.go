// Package i18n holds the interface's words in Finnish, Swedish and English
// and picks the language of a request.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"slices"
	"strings"
)

//go:embed locales/*.json
var localeFiles embed.FS

// Languages are the interface languages, Finnish first.
var Languages = []string{"fi", "sv", "en"}

// Default is the language of a visitor who has not chosen one.
const Default = "fi"

// Catalog maps a language and a message key to the message.
type Catalog struct {
	msgs map[string]map[string]string
}

// Load reads the embedded message files: locales/<lang>.json and any
// locales/<lang>-<part>.json beside it, so that a part of the site can keep
// its words in a file of its own. A key defined twice is an error.
func Load() (*Catalog, error) {
	c := &Catalog{msgs: map[string]map[string]string{}}
	for _, lang := range Languages {
		files, err := fs.Glob(localeFiles, "locales/"+lang+"-*.json")
		if err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", lang, err)
		}
		m := map[string]string{}
		for _, name := range append([]string{"locales/" + lang + ".json"}, files...) {
			body, err := localeFiles.ReadFile(name)
			if err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", name, err)
			}
			part := map[string]string{}
			if err := json.Unmarshal(body, &part); err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", name, err)
			}
			for k, v := range part {
				if _, dup := m[k]; dup {
					return nil, fmt.Errorf("i18n: %s: key %q defined twice", name, k)
				}
				m[k] = v
			}
		}
		c.msgs[lang] = m
	}
	return c, nil
}

// Keys returns every key of lang, for tests that check the catalogs agree.
func (c *Catalog) Keys(lang string) []string {
	keys := make([]string, 0, len(c.msgs[lang]))
	for k := range c.msgs[lang] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Has reports whether lang has key.
func (c *Catalog) Has(lang, key string) bool {
	_, ok := c.msgs[lang][key]
	return ok
}

// T translates key into lang, formatting args into it. A key with an
// argument after "|" (as validation errors carry them) has it appended to
// args. A missing key falls back to Finnish and then to the key itself, so
// a gap shows instead of an empty space.
func (c *Catalog) T(lang, key string, args ...any) string {
	if k, arg, ok := strings.Cut(key, "|"); ok {
		key = k
		args = append([]any{arg}, args...)
	}
	msg, ok := c.msgs[lang][key]
	if !ok {
		if msg, ok = c.msgs[Default][key]; !ok {
			return key
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// Supported reports whether lang is an interface language.
func Supported(lang string) bool { return slices.Contains(Languages, lang) }

// FromRequest picks the language: the "lang" cookie a visitor set with the
// language switch, else the browser's Accept-Language, else Finnish.
func FromRequest(r *http.Request) string {
	if c, err := r.Cookie("lang"); err == nil && Supported(c.Value) {
		return c.Value
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if Supported(base) {
			return base
		}
	}
	return Default
}
