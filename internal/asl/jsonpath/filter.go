package jsonpath

import (
	"encoding/json"
	"regexp"
	"strings"
	"unicode/utf8"
)

// A filter is a predicate over the current item ("@") and the root document
// ("$"), with Jayway's semantics.
type fexpr interface {
	eval(fc *fctx) bool
}

type fctx struct {
	item any
	root any
}

type orExpr struct{ l, r fexpr }

func (e *orExpr) eval(fc *fctx) bool { return e.l.eval(fc) || e.r.eval(fc) }

type andExpr struct{ l, r fexpr }

func (e *andExpr) eval(fc *fctx) bool { return e.l.eval(fc) && e.r.eval(fc) }

type notExpr struct{ x fexpr }

func (e *notExpr) eval(fc *fctx) bool { return !e.x.eval(fc) }

// existsExpr is a bare path: true when the path resolves.
type existsExpr struct{ path *Path }

func (e *existsExpr) eval(fc *fctx) bool {
	v := e.path.filterValue(fc)
	if v.kind == vUndef {
		return false
	}
	if !e.path.IsSingle() {
		l, _ := v.v.([]any)
		return len(l) > 0
	}
	return true
}

type relOp uint8

const (
	opEQ relOp = iota
	opNE
	opTSEQ
	opTSNE
	opLT
	opLE
	opGT
	opGE
	opRegex
	opIn
	opNin
	opSubsetOf
	opAnyOf
	opNoneOf
	opContains
	opAll
	opSize
	opEmpty
	opExists
)

var symbolicOps = []struct {
	text string
	op   relOp
}{
	{"===", opTSEQ}, {"!==", opTSNE}, {"==", opEQ}, {"!=", opNE}, {"<=", opLE},
	{">=", opGE}, {"=~", opRegex}, {"<", opLT}, {">", opGT},
}

var wordOps = map[string]relOp{
	"in": opIn, "nin": opNin, "subsetof": opSubsetOf, "anyof": opAnyOf,
	"noneof": opNoneOf, "contains": opContains, "all": opAll, "size": opSize,
	"empty": opEmpty, "exists": opExists,
}

type relExpr struct {
	l, r operand
	op   relOp
}

type vkind uint8

const (
	vUndef vkind = iota
	vNull
	vBool
	vNum
	vStr
	vJSON // object or array
	vRegex
)

// fval is a Jayway ValueNode.
type fval struct {
	kind vkind
	v    any // bool, json.Number, string, map[string]any or []any
	re   *regexp.Regexp
}

func toFval(v any) fval {
	switch x := v.(type) {
	case nil:
		return fval{kind: vNull}
	case bool:
		return fval{kind: vBool, v: x}
	case json.Number:
		return fval{kind: vNum, v: x}
	case string:
		return fval{kind: vStr, v: x}
	case map[string]any, []any:
		return fval{kind: vJSON, v: x}
	}
	return fval{kind: vUndef}
}

type operand struct {
	path *Path
	lit  fval
}

func (o *operand) value(fc *fctx) fval {
	if o.path == nil {
		return o.lit
	}
	return o.path.filterValue(fc)
}

// filterValue evaluates a path used inside a filter. Failures yield vUndef.
func (p *Path) filterValue(fc *fctx) fval {
	doc := fc.item
	if p.root == rootDoc {
		doc = fc.root
	}
	if p.hasFunc {
		v, err := p.getWithFunctionRoot(doc, fc.root)
		if err != nil {
			return fval{}
		}
		return toFval(v)
	}
	if p.firstIndef == len(p.tokens) {
		v, err := p.getDefinite(doc, p.tokens)
		if err != nil {
			return fval{}
		}
		return toFval(v)
	}
	ctx := evalCtx{root: fc.root, out: []any{}}
	p.evalTokens(p.tokens, 0, doc, &ctx)
	return fval{kind: vJSON, v: ctx.out}
}

func (e *relExpr) eval(fc *fctx) bool {
	l := e.l.value(fc)
	r := e.r.value(fc)
	switch e.op {
	case opEQ:
		return valEqual(l, r)
	case opNE:
		return !valEqual(l, r)
	case opTSEQ:
		return l.kind == r.kind && valEqual(l, r)
	case opTSNE:
		return !(l.kind == r.kind && valEqual(l, r))
	case opLT, opLE, opGT, opGE:
		c, ok := valCompare(l, r)
		if !ok {
			return false
		}
		switch e.op {
		case opLT:
			return c < 0
		case opLE:
			return c <= 0
		case opGT:
			return c > 0
		}
		return c >= 0
	case opRegex:
		if (l.kind == vRegex) == (r.kind == vRegex) {
			return false
		}
		if l.kind == vRegex {
			return l.re.MatchString(regexInput(r))
		}
		return r.re.MatchString(regexInput(l))
	case opIn:
		list, ok := asList(r)
		return ok && listContains(list, l)
	case opNin:
		list, ok := asList(r)
		return !ok || !listContains(list, l)
	case opSubsetOf:
		left, ok1 := asList(l)
		right, ok2 := asList(r)
		if !ok1 || !ok2 {
			return false
		}
		for _, x := range left {
			if !listContains(right, toFval(x)) {
				return false
			}
		}
		return true
	case opAnyOf, opNoneOf:
		left, ok1 := asList(l)
		right, ok2 := asList(r)
		if !ok1 || !ok2 {
			return false
		}
		found := false
		for _, x := range left {
			if listContains(right, toFval(x)) {
				found = true
				break
			}
		}
		if e.op == opAnyOf {
			return found
		}
		return !found
	case opContains:
		if l.kind == vStr && r.kind == vStr {
			return strings.Contains(l.v.(string), r.v.(string))
		}
		list, ok := asList(l)
		return ok && listContains(list, r)
	case opAll:
		left, ok1 := asList(l)
		right, ok2 := asList(r)
		if !ok1 || !ok2 {
			return false
		}
		for _, x := range right {
			if !listContains(left, toFval(x)) {
				return false
			}
		}
		return true
	case opSize:
		if r.kind != vNum {
			return false
		}
		want, ok := intValue(r.v.(json.Number))
		if !ok {
			return false
		}
		switch l.kind {
		case vStr:
			return int64(utf16Len(l.v.(string))) == want
		case vJSON:
			return int64(jsonLen(l.v)) == want
		}
		return false
	case opEmpty:
		if r.kind != vBool {
			return false
		}
		want := r.v.(bool)
		switch l.kind {
		case vStr:
			return (l.v.(string) == "") == want
		case vJSON:
			return (jsonLen(l.v) == 0) == want
		}
		return false
	case opExists:
		if r.kind != vBool {
			return false
		}
		return (l.kind != vUndef) == r.v.(bool)
	}
	return false
}

func regexInput(v fval) string {
	switch v.kind {
	case vStr:
		return v.v.(string)
	case vNum:
		return string(v.v.(json.Number))
	case vBool:
		if v.v.(bool) {
			return "true"
		}
		return "false"
	}
	return ""
}

func asList(v fval) ([]any, bool) {
	if v.kind != vJSON {
		return nil, false
	}
	l, ok := v.v.([]any)
	return l, ok
}

func listContains(list []any, x fval) bool {
	for _, e := range list {
		if valEqual(x, toFval(e)) {
			return true
		}
	}
	return false
}

func jsonLen(v any) int {
	switch x := v.(type) {
	case []any:
		return len(x)
	case map[string]any:
		return len(x)
	}
	return 0
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// valEqual is Jayway's ValueNode equality: numbers and strings compare across
// types (a number equals a string holding the same number), JSON values
// compare structurally.
func valEqual(l, r fval) bool {
	switch l.kind {
	case vUndef:
		return r.kind == vUndef
	case vNull:
		return r.kind == vNull
	case vBool:
		return r.kind == vBool && l.v.(bool) == r.v.(bool)
	case vNum:
		switch r.kind {
		case vNum:
			c, ok := compareNumbers(string(l.v.(json.Number)), string(r.v.(json.Number)))
			return ok && c == 0
		case vStr:
			s := strings.TrimSpace(r.v.(string))
			if !isNumberText(s) {
				return false
			}
			c, ok := compareNumbers(string(l.v.(json.Number)), s)
			return ok && c == 0
		}
		return false
	case vStr:
		switch r.kind {
		case vStr:
			return l.v.(string) == r.v.(string)
		case vNum:
			return l.v.(string) == string(r.v.(json.Number))
		}
		return false
	case vJSON:
		return r.kind == vJSON && jsonEqual(l.v, r.v)
	case vRegex:
		return r.kind == vRegex && l.re.String() == r.re.String()
	}
	return false
}

func valCompare(l, r fval) (int, bool) {
	switch {
	case l.kind == vNum && r.kind == vNum:
		return compareNumbers(string(l.v.(json.Number)), string(r.v.(json.Number)))
	case l.kind == vStr && r.kind == vStr:
		return strings.Compare(l.v.(string), r.v.(string)), true
	}
	return 0, false
}

// jsonEqual compares two JSON values structurally; numbers compare by value.
func jsonEqual(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		c, ok := compareNumbers(string(x), string(y))
		return ok && c == 0
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !jsonEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !jsonEqual(v, w) {
				return false
			}
		}
		return true
	}
	return false
}

// ---- parsing ----

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxFilterDepth {
		return p.fail("filter is nested too deeply")
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

func (p *parser) parseOr() (fexpr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	l, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for {
		p.skipSpaces()
		if !strings.HasPrefix(p.full[p.pos:], "||") {
			return l, nil
		}
		p.pos += 2
		r, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		l = &orExpr{l, r}
	}
}

func (p *parser) parseAnd() (fexpr, error) {
	l, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	for {
		p.skipSpaces()
		if !strings.HasPrefix(p.full[p.pos:], "&&") {
			return l, nil
		}
		p.pos += 2
		r, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		l = &andExpr{l, r}
	}
}

func (p *parser) parseUnary() (fexpr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	p.skipSpaces()
	switch p.peek() {
	case '!':
		p.pos++
		x, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return &notExpr{x}, nil
	case '(':
		p.pos++
		e, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		p.skipSpaces()
		if p.peek() != ')' {
			return nil, p.fail("expected ')'")
		}
		p.pos++
		return e, nil
	}
	return p.parseRelation()
}

func (p *parser) parseRelation() (fexpr, error) {
	l, err := p.parseOperand()
	if err != nil {
		return nil, err
	}
	p.skipSpaces()
	op, ok := p.parseOp()
	if !ok {
		if l.path == nil {
			return nil, p.fail("expected an operator after a literal")
		}
		return &existsExpr{path: l.path}, nil
	}
	p.skipSpaces()
	r, err := p.parseOperand()
	if err != nil {
		return nil, err
	}
	return &relExpr{l: l, r: r, op: op}, nil
}

func (p *parser) parseOp() (relOp, bool) {
	rest := p.full[p.pos:]
	for _, s := range symbolicOps {
		if strings.HasPrefix(rest, s.text) {
			p.pos += len(s.text)
			return s.op, true
		}
	}
	n := 0
	for n < len(rest) && isIdentStart(rest[n]) {
		n++
	}
	if n == 0 {
		return 0, false
	}
	op, ok := wordOps[strings.ToLower(rest[:n])]
	if !ok {
		return 0, false
	}
	p.pos += n
	return op, true
}

func (p *parser) parseOperand() (operand, error) {
	p.skipSpaces()
	switch c := p.peek(); {
	case c == '@' || c == '$':
		path, err := p.parsePath(true)
		if err != nil {
			return operand{}, err
		}
		return operand{path: path}, nil
	case c == '\'' || c == '"':
		s, err := p.parseQuoted(true)
		if err != nil {
			return operand{}, err
		}
		return operand{lit: fval{kind: vStr, v: s}}, nil
	case c == '-' || c >= '0' && c <= '9':
		n, err := p.parseNumber()
		if err != nil {
			return operand{}, err
		}
		return operand{lit: fval{kind: vNum, v: n}}, nil
	case c == '[' || c == '{':
		v, err := p.parseJSONValue()
		if err != nil {
			return operand{}, err
		}
		return operand{lit: fval{kind: vJSON, v: v}}, nil
	case c == '/':
		re, err := p.parseRegex()
		if err != nil {
			return operand{}, err
		}
		return operand{lit: fval{kind: vRegex, re: re}}, nil
	default:
		for _, w := range []struct {
			text string
			val  fval
		}{
			{"true", fval{kind: vBool, v: true}},
			{"false", fval{kind: vBool, v: false}},
			{"null", fval{kind: vNull}},
		} {
			if strings.HasPrefix(p.full[p.pos:], w.text) {
				end := p.pos + len(w.text)
				if end < len(p.full) && isIdentPart(p.full[end]) {
					break
				}
				p.pos = end
				return operand{lit: w.val}, nil
			}
		}
	}
	return operand{}, p.fail("expected a value in filter")
}

// parseQuoted parses a string delimited by ' or ". With unescape, Java-style
// escapes are decoded.
func (p *parser) parseQuoted(unescape bool) (string, error) {
	q := p.peek()
	p.pos++
	var b strings.Builder
	for {
		if p.eof() {
			return "", p.fail("unterminated string")
		}
		c := p.full[p.pos]
		switch {
		case c == q:
			p.pos++
			return b.String(), nil
		case c == '\\' && unescape:
			if p.pos+1 >= len(p.full) {
				return "", p.fail("unterminated string")
			}
			e := p.full[p.pos+1]
			p.pos += 2
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'u':
				if p.pos+4 > len(p.full) {
					return "", p.fail("invalid unicode escape")
				}
				var r rune
				for _, h := range []byte(p.full[p.pos : p.pos+4]) {
					d := hexVal(h)
					if d < 0 {
						return "", p.fail("invalid unicode escape")
					}
					r = r<<4 | rune(d)
				}
				p.pos += 4
				if !utf8.ValidRune(r) {
					r = utf8.RuneError
				}
				b.WriteRune(r)
			default:
				b.WriteByte(e)
			}
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// parseNumber parses a JSON number.
func (p *parser) parseNumber() (json.Number, error) {
	begin := p.pos
	if p.peek() == '-' {
		p.pos++
	}
	digits := func() int {
		n := 0
		for !p.eof() && p.peek() >= '0' && p.peek() <= '9' {
			p.pos++
			n++
		}
		return n
	}
	intStart := p.pos
	if digits() == 0 || p.pos-intStart > 1 && p.full[intStart] == '0' {
		return "", p.fail("invalid number")
	}
	if p.peek() == '.' {
		p.pos++
		if digits() == 0 {
			return "", p.fail("invalid number")
		}
	}
	if c := p.peek(); c == 'e' || c == 'E' {
		p.pos++
		if c := p.peek(); c == '+' || c == '-' {
			p.pos++
		}
		if digits() == 0 {
			return "", p.fail("invalid number")
		}
	}
	return json.Number(p.full[begin:p.pos]), nil
}

// parseRegex parses /pattern/flags into a full-match regular expression, as
// Java's Matcher.matches does.
func (p *parser) parseRegex() (*regexp.Regexp, error) {
	p.pos++ // '/'
	begin := p.pos
	for {
		if p.eof() {
			return nil, p.fail("unterminated regular expression")
		}
		c := p.full[p.pos]
		if c == '\\' {
			p.pos = min(p.pos+2, len(p.full))
			continue
		}
		if c == '/' {
			break
		}
		p.pos++
	}
	pattern := p.full[begin:p.pos]
	p.pos++
	flags := ""
	for !p.eof() && isIdentStart(p.peek()) {
		switch f := p.peek(); f {
		case 'i', 'm', 's':
			if !strings.ContainsRune(flags, rune(f)) {
				flags += string(f)
			}
		default:
			return nil, p.fail("unsupported regular expression flag %q", f)
		}
		p.pos++
	}
	prefix := ""
	if flags != "" {
		prefix = "(?" + flags + ")"
	}
	re, err := regexp.Compile(prefix + "^(?:" + pattern + ")$")
	if err != nil {
		return nil, p.fail("invalid regular expression: %v", err)
	}
	return re, nil
}

// parseJSONValue parses a lenient JSON literal (single or double quoted
// strings), as Jayway's json-smart parser accepts in filters.
func (p *parser) parseJSONValue() (any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	p.skipSpaces()
	switch c := p.peek(); {
	case c == '[':
		p.pos++
		list := []any{}
		p.skipSpaces()
		if p.peek() == ']' {
			p.pos++
			return list, nil
		}
		for {
			v, err := p.parseJSONValue()
			if err != nil {
				return nil, err
			}
			list = append(list, v)
			p.skipSpaces()
			switch p.peek() {
			case ',':
				p.pos++
			case ']':
				p.pos++
				return list, nil
			default:
				return nil, p.fail("expected ',' or ']' in array literal")
			}
		}
	case c == '{':
		p.pos++
		obj := map[string]any{}
		p.skipSpaces()
		if p.peek() == '}' {
			p.pos++
			return obj, nil
		}
		for {
			p.skipSpaces()
			if q := p.peek(); q != '\'' && q != '"' {
				return nil, p.fail("expected a quoted key in object literal")
			}
			k, err := p.parseQuoted(true)
			if err != nil {
				return nil, err
			}
			p.skipSpaces()
			if p.peek() != ':' {
				return nil, p.fail("expected ':' in object literal")
			}
			p.pos++
			v, err := p.parseJSONValue()
			if err != nil {
				return nil, err
			}
			obj[k] = v
			p.skipSpaces()
			switch p.peek() {
			case ',':
				p.pos++
			case '}':
				p.pos++
				return obj, nil
			default:
				return nil, p.fail("expected ',' or '}' in object literal")
			}
		}
	case c == '\'' || c == '"':
		return p.parseQuoted(true)
	case c == '-' || c >= '0' && c <= '9':
		return p.parseNumber()
	}
	for _, w := range []struct {
		text string
		val  any
	}{{"true", true}, {"false", false}, {"null", nil}} {
		if strings.HasPrefix(p.full[p.pos:], w.text) {
			p.pos += len(w.text)
			return w.val, nil
		}
	}
	return nil, p.fail("invalid JSON literal")
}
