package jsonata

import (
	"regexp"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// regexFunc is a regular expression literal: a function that matches a
// string, returning a match object with a next() function, like
// JSONata's regex closures.
type regexFunc struct {
	re      *regexp.Regexp
	emptyAt *regexp.Regexp // see emptyMatcher; nil: no check needed
	src     string
	pos     int
}

// match is one match of a matcher; offsets are byte offsets into the
// subject string.
type match struct {
	text       string
	start, end int
	groups     []any
	next       func() (*match, error)
}

// leftContext reports whether a pattern may look left of where a search
// starts (anchors and word boundaries), where searching a suffix of the
// subject would differ from JavaScript's lastIndex search.
func leftContext(src string) bool {
	return strings.Contains(src, "^") || strings.Contains(src, `\b`) || strings.Contains(src, `\B`)
}

// regexMatch runs p against str from byte offset from, with JavaScript's
// global-regex iteration: each next() continues where the previous match
// ended and a later match of the empty string is error D1004.
func (c *evalCtx) regexMatch(p *regexFunc, str string, from int) (*match, error) {
	if err := c.charge(len(str)); err != nil {
		return nil, err
	}
	all := p.re.FindAllStringSubmatchIndex(str, -1)
	k := 0
	for k < len(all) && all[k][0] < from {
		k++
	}
	if k >= len(all) {
		return nil, nil
	}
	var build func(i int) *match
	build = func(i int) *match {
		loc := all[i]
		m := &match{text: str[loc[0]:loc[1]], start: loc[0], end: loc[1]}
		for g := 2; g+1 < len(loc); g += 2 {
			if loc[g] < 0 {
				m.groups = append(m.groups, undefined)
			} else {
				m.groups = append(m.groups, str[loc[g]:loc[g+1]])
			}
		}
		m.next = func() (*match, error) {
			if err := c.step(); err != nil {
				return nil, err
			}
			e := m.end
			if e >= len(str) {
				return nil, nil
			}
			nextStarts := i+1 < len(all) && all[i+1][0] == e
			if p.emptyAt != nil && !nextStarts {
				if loc := p.emptyAt.FindStringIndex(str[e:]); loc != nil && loc[1] == 0 {
					return nil, newError("D1004", p.pos).withValue(p.src)
				}
			}
			if i+1 >= len(all) {
				return nil, nil
			}
			n := build(i + 1)
			if n.text == "" {
				return nil, newError("D1004", p.pos).withValue(p.src)
			}
			return n, nil
		}
		return m
	}
	return build(k), nil
}

// object renders a match as the object a regex function returns.
func (m *match) object(c *evalCtx, p *regexFunc, str string) *object {
	o := newObject(5)
	o.set("match", m.text)
	o.set("start", float64(utf16Index(str, m.start)))
	o.set("end", float64(utf16Index(str, m.end)))
	groups := make([]any, len(m.groups))
	copy(groups, m.groups)
	o.set("groups", groups)
	next := m.next
	o.set("next", &builtin{name: "next", arity: 0, fn: func(c *evalCtx, _ any, _ *frame, _ []any) (any, error) {
		n, err := next()
		if err != nil || n == nil {
			return undefined, err
		}
		return n.object(c, p, str), nil
	}})
	return o
}

// matcherFirst starts matching str with a matcher: a regex or a function
// returning match objects (JSONata's evaluateMatcher).
func (c *evalCtx) matcherFirst(matcher any, str string, env *frame, fname string) (*match, error) {
	if p, ok := matcher.(*regexFunc); ok {
		return c.regexMatch(p, str, 0)
	}
	res, err := c.apply(matcher, []any{str}, undefined, env, fname)
	if err != nil {
		return nil, err
	}
	return c.customMatch(res, str, env, fname)
}

// customMatch converts what a matcher function returned.
func (c *evalCtx) customMatch(res any, str string, env *frame, fname string) (*match, error) {
	if isUndefined(res) || res == nil {
		return nil, nil
	}
	if !jsTruthy(res) {
		return nil, nil
	}
	start, startOK := objectNumber(res, "start")
	_, endOK := objectNumber(res, "end")
	groupsV, _ := objectGet(res, "groups")
	nextV, _ := objectGet(res, "next")
	_ = endOK
	if !isObject(res) || !(startOK || isArray(groupsV) || isFunction(nextV)) {
		return nil, newError("T1010", -1).withToken(fname)
	}
	text, _ := objectGet(res, "match")
	ts, _ := text.(string)
	m := &match{text: ts, groups: seqItems(groupsV)}
	m.start = byteIndex(str, int(start))
	m.end = m.start + len(ts)
	m.next = func() (*match, error) {
		if !isFunction(nextV) {
			return nil, nil
		}
		r, err := c.apply(nextV, nil, undefined, env, fname)
		if err != nil {
			return nil, err
		}
		return c.customMatch(r, str, env, fname)
	}
	return m, nil
}

func objectNumber(v any, key string) (float64, bool) {
	x, ok := objectGet(v, key)
	if !ok {
		return 0, false
	}
	return toNumber(x)
}

// utf16Index converts a byte offset of s into a UTF-16 code unit index.
func utf16Index(s string, b int) int {
	n := 0
	for i, r := range s {
		if i >= b {
			break
		}
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// byteIndex converts a UTF-16 code unit index of s into a byte offset.
func byteIndex(s string, u int) int {
	if u <= 0 {
		return 0
	}
	n := 0
	for i, r := range s {
		if n >= u {
			return i
		}
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return len(s)
}

func decodeRune(s string) (rune, int) { return utf8.DecodeRuneInString(s) }

func utf16Units(r rune) []uint16 {
	if r >= 0x10000 {
		a, b := utf16.EncodeRune(r)
		return []uint16{uint16(a), uint16(b)}
	}
	return []uint16{uint16(r)}
}
