package i18n

// Text is a name or label kept in all three interface languages, as the
// registries and taxonomies hold them.
type Text struct {
	FI string `json:"fi"`
	SV string `json:"sv"`
	EN string `json:"en"`
}

// In picks the text for lang, falling back to Finnish when that language
// has none, because Finnish is the one every record must have.
func (t Text) In(lang string) string {
	switch lang {
	case "sv":
		if t.SV != "" {
			return t.SV
		}
	case "en":
		if t.EN != "" {
			return t.EN
		}
	}
	return t.FI
}
