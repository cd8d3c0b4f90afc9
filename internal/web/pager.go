package web

import (
	"net/url"
	"strconv"
)

// pager links a listing's neighbouring pages, keeping its filters.
type pager struct {
	Pages                bool
	Label                string
	Current              string
	Prev, Next           string
	PrevLabel, NextLabel string
}

func newPager(v *view, base string, q url.Values, page, perPage, total int) pager {
	last := (total + perPage - 1) / perPage
	if last <= 1 {
		return pager{}
	}
	link := func(p int) string {
		q2 := url.Values{}
		for k, vs := range q {
			q2[k] = vs
		}
		if p <= 1 {
			q2.Del("page")
		} else {
			q2.Set("page", strconv.Itoa(p))
		}
		if enc := q2.Encode(); enc != "" {
			return base + "?" + enc
		}
		return base
	}
	p := pager{Pages: true, Label: v.T("pager.label"), Current: v.T("pager.current", page, last),
		PrevLabel: v.T("pager.prev"), NextLabel: v.T("pager.next")}
	if page > 1 {
		p.Prev = link(page - 1)
	}
	if page < last {
		p.Next = link(page + 1)
	}
	return p
}

// pageNumber reads ?page=, starting at 1.
func pageNumber(q url.Values) int {
	n, err := strconv.Atoi(q.Get("page"))
	if err != nil || n < 1 || n > 100000 {
		return 1
	}
	return n
}
