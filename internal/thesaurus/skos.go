package thesaurus

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/tekotori/tekotori/internal/search"
	"github.com/tekotori/tekotori/internal/store"
)

// SKOS import: a reader of the Turtle that SKOS vocabularies such as YSO
// are published in, keeping only what search uses (concepts, their
// preferred and alternative labels in fi, sv and en, broader and
// narrower). The file is read as a stream, a token at a time, so memory
// grows with the concepts kept and not with the file.

const (
	rdfType      = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
	skosNS       = "http://www.w3.org/2004/02/skos/core#"
	skosConcept  = skosNS + "Concept"
	skosPref     = skosNS + "prefLabel"
	skosAlt      = skosNS + "altLabel"
	skosBroader  = skosNS + "broader"
	skosNarrower = skosNS + "narrower"
)

// SourceSKOS marks concepts imported from a SKOS file.
const SourceSKOS = "skos"

// Problem is one thing an import reports, with the line it is on (0 when
// it concerns the whole file).
type Problem struct {
	Line   int
	Reason string
}

func (p Problem) String() string {
	if p.Line == 0 {
		return p.Reason
	}
	return fmt.Sprintf("line %d: %s", p.Line, p.Reason)
}

// ImportReport says what an import did.
type ImportReport struct {
	Concepts  int // concepts read with a label in fi, sv or en
	Added     int
	Updated   int
	Unchanged int
	Links     int // narrower links kept
	Problems  []Problem
}

type skosConceptData struct {
	line      int
	concept   bool
	labels    map[string][]string // pref first, then alt
	broader   []string
	narrower  []string
	prefCount map[string]int
}

// token kinds
const (
	tIRI = iota + 1
	tName
	tLiteral
	tPunct
)

type token struct {
	kind int
	text string // IRI, name, literal value or the punctuation
	lang string // of a literal
	line int
}

type turtleLexer struct {
	r    *bufio.Reader
	line int
	peek *token
}

func (lx *turtleLexer) readRune() (rune, error) {
	c, _, err := lx.r.ReadRune()
	if c == '\n' {
		lx.line++
	}
	return c, err
}

func (lx *turtleLexer) unread(c rune) {
	_ = lx.r.UnreadRune()
	if c == '\n' {
		lx.line--
	}
}

var errUnterminated = errors.New("unterminated")

// next gives the next token, io.EOF at the end.
func (lx *turtleLexer) next() (token, error) {
	if lx.peek != nil {
		t := *lx.peek
		lx.peek = nil
		return t, nil
	}
	for {
		c, err := lx.readRune()
		if err != nil {
			return token{}, err
		}
		switch {
		case c == '#':
			if _, err := lx.r.ReadString('\n'); err != nil {
				return token{}, err
			}
			lx.line++
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
		case c == '<':
			line := lx.line
			s, err := lx.r.ReadString('>')
			if err != nil {
				return token{}, fmt.Errorf("line %d: IRI %w", line, errUnterminated)
			}
			lx.line += strings.Count(s, "\n")
			return token{kind: tIRI, text: s[:len(s)-1], line: line}, nil
		case c == '"' || c == '\'':
			return lx.literal(c)
		case strings.ContainsRune(";,.[]()", c):
			return token{kind: tPunct, text: string(c), line: lx.line}, nil
		default:
			line := lx.line
			var b strings.Builder
			b.WriteRune(c)
			for {
				c, err := lx.readRune()
				if err != nil {
					break
				}
				if c == ' ' || c == '\t' || c == '\r' || c == '\n' || strings.ContainsRune(";,[]()\"<#", c) {
					lx.unread(c)
					break
				}
				b.WriteRune(c)
			}
			s := b.String()
			// A name may hold dots, but not end in one: that ends the
			// statement.
			if strings.HasSuffix(s, ".") && len(s) > 1 {
				s = s[:len(s)-1]
				lx.peek = &token{kind: tPunct, text: ".", line: lx.line}
			}
			return token{kind: tName, text: s, line: line}, nil
		}
	}
}

func (lx *turtleLexer) literal(q rune) (token, error) {
	line := lx.line
	long := false
	c, err := lx.readRune()
	if err != nil {
		return token{}, fmt.Errorf("line %d: string %w", line, errUnterminated)
	}
	if c == q {
		c2, err := lx.readRune()
		if err == nil && c2 == q {
			long = true
		} else {
			if err == nil {
				lx.unread(c2)
			}
			return lx.suffix(token{kind: tLiteral, line: line})
		}
	} else {
		lx.unread(c)
	}
	var b strings.Builder
	for {
		c, err := lx.readRune()
		if err != nil {
			return token{}, fmt.Errorf("line %d: string %w", line, errUnterminated)
		}
		if c == '\\' {
			e, err := lx.readRune()
			if err != nil {
				return token{}, fmt.Errorf("line %d: string %w", line, errUnterminated)
			}
			switch e {
			case 'n':
				b.WriteRune('\n')
			case 't':
				b.WriteRune('\t')
			default:
				b.WriteRune(e)
			}
			continue
		}
		if c == '\n' && !long {
			return token{}, fmt.Errorf("line %d: string %w", line, errUnterminated)
		}
		if c == q {
			if !long {
				break
			}
			c2, _ := lx.readRune()
			c3, _ := lx.readRune()
			if c2 == q && c3 == q {
				break
			}
			b.WriteRune(c)
			lx.unread(c3)
			if c2 != q {
				lx.unread(c2)
			} else {
				b.WriteRune(c2)
			}
			continue
		}
		b.WriteRune(c)
	}
	return lx.suffix(token{kind: tLiteral, text: b.String(), line: line})
}

// suffix reads a literal's @lang or ^^datatype.
func (lx *turtleLexer) suffix(t token) (token, error) {
	c, err := lx.readRune()
	if err != nil {
		return t, nil
	}
	switch c {
	case '@':
		var b strings.Builder
		for {
			c, err := lx.readRune()
			if err != nil {
				break
			}
			if !(c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
				lx.unread(c)
				break
			}
			b.WriteRune(c)
		}
		t.lang = strings.ToLower(b.String())
	case '^':
		if c2, err := lx.readRune(); err != nil || c2 != '^' {
			return t, fmt.Errorf("line %d: bad datatype", t.line)
		}
		if _, err := lx.next(); err != nil {
			return t, err
		}
	default:
		lx.unread(c)
	}
	return t, nil
}

// ReadSKOS reads the concepts of a SKOS Turtle file. Statements it cannot
// read are reported with their line and skipped; progress, when set, is
// called every 10,000 statements.
func ReadSKOS(r io.Reader, progress func(statements int)) (map[string]*skosConceptData, []string, []Problem) {
	lx := &turtleLexer{r: bufio.NewReaderSize(r, 1<<16), line: 1}
	prefixes := map[string]string{}
	concepts := map[string]*skosConceptData{}
	var order []string
	var problems []Problem
	get := func(uri string, line int) *skosConceptData {
		c := concepts[uri]
		if c == nil {
			c = &skosConceptData{line: line, labels: map[string][]string{}, prefCount: map[string]int{}}
			concepts[uri] = c
			order = append(order, uri)
		}
		return c
	}
	resolve := func(t token) (string, error) {
		switch t.kind {
		case tIRI:
			return t.text, nil
		case tName:
			if t.text == "a" {
				return rdfType, nil
			}
			p, local, ok := strings.Cut(t.text, ":")
			ns, known := prefixes[p]
			if !ok || !known {
				return "", fmt.Errorf("unknown prefix in %q", t.text)
			}
			return ns + local, nil
		}
		return "", fmt.Errorf("%q is not a name", t.text)
	}
	// skipStatement drops tokens to the end of the statement.
	skipStatement := func() error {
		depth := 0
		for {
			t, err := lx.next()
			if err != nil {
				return err
			}
			if t.kind == tPunct {
				switch t.text {
				case "[", "(":
					depth++
				case "]", ")":
					depth--
				case ".":
					if depth <= 0 {
						return nil
					}
				}
			}
		}
	}
	statements := 0
	for {
		t, err := lx.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			problems = append(problems, Problem{lx.line, err.Error()})
			break
		}
		statements++
		if progress != nil && statements%10000 == 0 {
			progress(statements)
		}
		if t.kind == tName && (t.text == "@prefix" || strings.EqualFold(t.text, "PREFIX")) {
			name, err1 := lx.next()
			iri, err2 := lx.next()
			if err1 != nil || err2 != nil || name.kind != tName || iri.kind != tIRI || !strings.HasSuffix(name.text, ":") {
				problems = append(problems, Problem{t.line, "bad @prefix"})
				if skipStatement() != nil {
					break
				}
				continue
			}
			prefixes[strings.TrimSuffix(name.text, ":")] = iri.text
			if t.text == "@prefix" {
				if d, err := lx.next(); err != nil || d.text != "." {
					problems = append(problems, Problem{t.line, "@prefix without a closing ."})
				}
			}
			continue
		}
		if t.kind == tName && (t.text == "@base" || strings.EqualFold(t.text, "BASE")) {
			if skipStatement() != nil {
				break
			}
			continue
		}
		subj, err := resolve(t)
		if err != nil {
			if t.kind == tPunct && t.text == "[" {
				err = errors.New("blank-node subjects are not read")
			}
			problems = append(problems, Problem{t.line, err.Error()})
			if skipStatement() != nil {
				problems = append(problems, Problem{lx.line, "the file ends inside a statement (truncated?)"})
				break
			}
			continue
		}
		ok, eof := readPredicates(lx, subj, t.line, resolve, get, &problems)
		if eof {
			problems = append(problems, Problem{lx.line, "the file ends inside a statement (truncated?)"})
			break
		}
		if !ok && skipStatement() != nil {
			problems = append(problems, Problem{lx.line, "the file ends inside a statement (truncated?)"})
			break
		}
	}
	return concepts, order, problems
}

// readPredicates reads "p o, o; p o ." after a subject. It reports false
// when the statement was bad (and reported), and eof when the file ended.
func readPredicates(lx *turtleLexer, subj string, line int, resolve func(token) (string, error), get func(string, int) *skosConceptData, problems *[]Problem) (ok, eof bool) {
	for {
		pt, err := lx.next()
		if err != nil {
			return false, err == io.EOF || errors.Is(err, errUnterminated)
		}
		if pt.kind == tPunct && pt.text == "." {
			return true, false
		}
		pred, err := resolve(pt)
		if err != nil {
			*problems = append(*problems, Problem{pt.line, err.Error()})
			return false, false
		}
		for {
			ot, err := lx.next()
			if err != nil {
				if err != io.EOF && !errors.Is(err, errUnterminated) {
					*problems = append(*problems, Problem{lx.line, err.Error()})
				}
				return false, true
			}
			if ot.kind == tPunct && (ot.text == "[" || ot.text == "(") {
				// Nested structures carry nothing search uses.
				depth := 1
				for depth > 0 {
					x, err := lx.next()
					if err != nil {
						return false, true
					}
					if x.kind == tPunct && (x.text == "[" || x.text == "(") {
						depth++
					} else if x.kind == tPunct && (x.text == "]" || x.text == ")") {
						depth--
					}
				}
			} else {
				use(subj, line, pred, ot, resolve, get, problems)
			}
			sep, err := lx.next()
			if err != nil {
				return false, true
			}
			if sep.kind == tPunct && sep.text == "," {
				continue
			}
			if sep.kind == tPunct && sep.text == ";" {
				// "; ." is allowed.
				nt, err := lx.next()
				if err != nil {
					return false, true
				}
				if nt.kind == tPunct && nt.text == "." {
					return true, false
				}
				lx.peek = &nt
				break
			}
			if sep.kind == tPunct && sep.text == "." {
				return true, false
			}
			*problems = append(*problems, Problem{sep.line, fmt.Sprintf("expected , ; or . but found %q", sep.text)})
			return false, false
		}
	}
}

// use keeps one triple if search uses it.
func use(subj string, line int, pred string, o token, resolve func(token) (string, error), get func(string, int) *skosConceptData, problems *[]Problem) {
	switch pred {
	case rdfType:
		if v, err := resolve(o); err == nil && v == skosConcept {
			get(subj, line).concept = true
		}
	case skosPref, skosAlt:
		if o.kind != tLiteral {
			*problems = append(*problems, Problem{o.line, "a label that is not a string"})
			return
		}
		if !slices.Contains(Langs, o.lang) {
			// Other languages (se, fr, ...) are not searched; a label
			// without a language cannot be placed.
			if o.lang == "" {
				*problems = append(*problems, Problem{o.line, fmt.Sprintf("label %q has no language", o.text)})
			}
			return
		}
		c := get(subj, line)
		label := strings.Join(strings.Fields(o.text), " ")
		if label == "" || slices.Contains(c.labels[o.lang], label) {
			return
		}
		if pred == skosPref {
			// Preferred labels come first.
			n := c.prefCount[o.lang]
			c.labels[o.lang] = slices.Insert(c.labels[o.lang], n, label)
			c.prefCount[o.lang] = n + 1
		} else {
			c.labels[o.lang] = append(c.labels[o.lang], label)
		}
	case skosBroader, skosNarrower:
		v, err := resolve(o)
		if err != nil {
			*problems = append(*problems, Problem{o.line, err.Error()})
			return
		}
		c := get(subj, line)
		if pred == skosBroader {
			c.broader = append(c.broader, v)
		} else {
			c.narrower = append(c.narrower, v)
		}
	}
}

// ImportSKOS reads a SKOS Turtle file and puts its concepts into the
// thesaurus, by URI: a concept imported again is updated when it changed
// and left alone when not, so importing a file twice changes nothing.
// Problems (bad statements, a truncated file, labels in no language,
// duplicate labels, broader cycles, concepts with too many labels) are
// reported with their lines; what is sound is loaded.
func (s *Service) ImportSKOS(ctx context.Context, r io.Reader, progress func(string)) (*ImportReport, error) {
	var prog func(int)
	if progress != nil {
		prog = func(n int) { progress(fmt.Sprintf("%d statements read", n)) }
	}
	concepts, order, problems := ReadSKOS(r, prog)
	rep := &ImportReport{Problems: problems}
	// Keep the concepts with a label search can use; a label two concepts
	// share stays with the first.
	owner := map[string]string{}
	var keep []string
	for _, uri := range order {
		c := concepts[uri]
		if !c.concept {
			continue
		}
		n := 0
		for _, l := range Langs {
			var ls []string
			for _, label := range c.labels[l] {
				key := l + "\x00" + strings.ToLower(label)
				if other, dup := owner[key]; dup && other != uri {
					rep.Problems = append(rep.Problems, Problem{c.line, fmt.Sprintf("label %q@%s of %s is also a label of %s; kept there only", label, l, uri, other)})
					continue
				}
				owner[key] = uri
				ls = append(ls, label)
			}
			c.labels[l] = ls
			n += len(ls)
		}
		if n == 0 {
			continue
		}
		if n > search.MaxExpansion {
			rep.Problems = append(rep.Problems, Problem{c.line, fmt.Sprintf("%s has %d labels; the first %d are kept", uri, n, search.MaxExpansion)})
			cut := 0
			for _, l := range Langs {
				room := max(0, search.MaxExpansion-cut)
				if len(c.labels[l]) > room {
					c.labels[l] = c.labels[l][:room]
				}
				cut += len(c.labels[l])
			}
		}
		keep = append(keep, uri)
	}
	rep.Concepts = len(keep)
	kept := map[string]bool{}
	for _, u := range keep {
		kept[u] = true
	}
	// Narrower links, from both directions, without cycles.
	narrower := map[string][]string{}
	addLink := func(b, n string) {
		if b != n && kept[b] && kept[n] && !slices.Contains(narrower[b], n) {
			narrower[b] = append(narrower[b], n)
		}
	}
	for _, u := range keep {
		for _, n := range concepts[u].narrower {
			addLink(u, n)
		}
		for _, b := range concepts[u].broader {
			addLink(b, u)
		}
	}
	breakCycles(keep, narrower, concepts, rep)

	existing, err := s.existing(ctx)
	if err != nil {
		return nil, err
	}
	const per = 500
	for from := 0; from < len(keep); from += per {
		batch := keep[from:min(len(keep), from+per)]
		err := s.db.InTx(ctx, func(tx *store.Tx) error {
			var fresh []Ring
			for _, uri := range batch {
				ring := Ring{URI: uri, Source: SourceSKOS, Labels: concepts[uri].labels}
				cur, ok := existing[uri]
				switch {
				case !ok:
					fresh = append(fresh, ring)
					rep.Added++
				case cur.summary == ring.summary():
					rep.Unchanged++
				default:
					ring.ID = cur.id
					if _, err := tx.Exec(ctx, `DELETE FROM thesaurus_labels WHERE concept_id = ?`, cur.id); err != nil {
						return fmt.Errorf("thesaurus: import: %w", err)
					}
					if _, err := tx.Exec(ctx, `UPDATE thesaurus_concepts SET updated_at = ? WHERE id = ?`, store.Now(), cur.id); err != nil {
						return fmt.Errorf("thesaurus: import: %w", err)
					}
					var sb strings.Builder
					args := appendLabels(&sb, nil, cur.id, ring)
					if _, err := tx.Exec(ctx, `INSERT INTO thesaurus_labels (concept_id, lang, label, position) VALUES `+sb.String(), args...); err != nil {
						return fmt.Errorf("thesaurus: import: %w", err)
					}
					rep.Updated++
				}
			}
			return insertRings(ctx, tx, fresh)
		})
		if err != nil {
			return nil, err
		}
		if progress != nil {
			progress(fmt.Sprintf("%d of %d concepts stored", min(len(keep), from+per), len(keep)))
		}
	}
	if err := s.storeLinks(ctx, keep, narrower, rep); err != nil {
		return nil, err
	}
	slices.SortStableFunc(rep.Problems, func(a, b Problem) int { return a.Line - b.Line })
	return rep, nil
}

type existingConcept struct {
	id      int64
	summary string
}

// existing reads the imported concepts' labels, to tell what changed.
func (s *Service) existing(ctx context.Context) (map[string]existingConcept, error) {
	rings, err := s.List(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]existingConcept{}
	for _, r := range rings {
		out[r.URI] = existingConcept{r.ID, r.summary()}
	}
	return out, nil
}

// breakCycles drops the narrower links that close a cycle, reporting
// each.
func breakCycles(keep []string, narrower map[string][]string, concepts map[string]*skosConceptData, rep *ImportReport) {
	const (
		unseen = iota
		open
		done
	)
	state := map[string]int{}
	var visit func(u string)
	visit = func(u string) {
		state[u] = open
		var ok []string
		for _, n := range narrower[u] {
			switch state[n] {
			case open:
				rep.Problems = append(rep.Problems, Problem{concepts[n].line, fmt.Sprintf("%s is both broader and narrower than %s (a cycle); the link from %s is dropped", n, u, u)})
				continue
			case unseen:
				visit(n)
			}
			ok = append(ok, n)
		}
		narrower[u] = ok
		state[u] = done
	}
	for _, u := range keep {
		if state[u] == unseen {
			visit(u)
		}
	}
}

// storeLinks replaces the narrower links of the imported concepts.
func (s *Service) storeLinks(ctx context.Context, keep []string, narrower map[string][]string, rep *ImportReport) error {
	ids := map[string]int64{}
	rows, err := s.db.Query(ctx, `SELECT id, uri FROM thesaurus_concepts WHERE source = ?`, SourceSKOS)
	if err != nil {
		return fmt.Errorf("thesaurus: import links: %w", err)
	}
	for rows.Next() {
		var id int64
		var uri string
		if err := rows.Scan(&id, &uri); err != nil {
			rows.Close()
			return fmt.Errorf("thesaurus: import links: %w", err)
		}
		ids[uri] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("thesaurus: import links: %w", err)
	}
	type pair struct{ b, n int64 }
	want := map[pair]bool{}
	for _, u := range keep {
		for _, n := range narrower[u] {
			want[pair{ids[u], ids[n]}] = true
		}
	}
	have := map[pair]bool{}
	rows, err = s.db.Query(ctx, `SELECT l.concept_id, l.narrower_id FROM thesaurus_narrower l JOIN thesaurus_concepts c ON c.id = l.concept_id WHERE c.source = ?`, SourceSKOS)
	if err != nil {
		return fmt.Errorf("thesaurus: import links: %w", err)
	}
	for rows.Next() {
		var p pair
		if err := rows.Scan(&p.b, &p.n); err != nil {
			rows.Close()
			return fmt.Errorf("thesaurus: import links: %w", err)
		}
		have[p] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("thesaurus: import links: %w", err)
	}
	rep.Links = len(want)
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		for p := range want {
			if !have[p] {
				if _, err := tx.Exec(ctx, `INSERT INTO thesaurus_narrower (concept_id, narrower_id) VALUES (?, ?)`, p.b, p.n); err != nil {
					return fmt.Errorf("thesaurus: import links: %w", err)
				}
			}
		}
		return nil
	})
}
