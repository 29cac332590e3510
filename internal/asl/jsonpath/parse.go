package jsonpath

import (
	"strconv"
	"strings"
)

type tokenKind uint8

const (
	tkProperty tokenKind = iota // ['a'] or ['a','b']
	tkIndex                     // [0] or [0,-1]
	tkSlice                     // [1:3], [1:], [:3]
	tkWildcard                  // [*]
	tkScan                      // ..
	tkFilter                    // [?(...)]
	tkFunction                  // .length()
)

type token struct {
	kind    tokenKind
	names   []string // tkProperty
	delim   byte     // quote used for names, for Jayway-style fragments
	indexes []int    // tkIndex
	from    int      // tkSlice
	to      int
	hasFrom bool
	hasTo   bool
	filter  fexpr  // tkFilter
	fn      string // tkFunction
}

// definite reports whether the token alone can select at most one value, in
// Jayway's sense. leaf tells whether it is the last token.
func (t *token) definite(leaf bool) bool {
	switch t.kind {
	case tkProperty:
		return len(t.names) == 1 || leaf
	case tkIndex:
		return len(t.indexes) == 1
	case tkFunction:
		return true
	}
	return false
}

func (t *token) writeFragment(b *strings.Builder) {
	switch t.kind {
	case tkProperty:
		b.WriteByte('[')
		for i, n := range t.names {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte(t.delim)
			b.WriteString(n)
			b.WriteByte(t.delim)
		}
		b.WriteByte(']')
	case tkIndex:
		b.WriteByte('[')
		for i, n := range t.indexes {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(n))
		}
		b.WriteByte(']')
	case tkSlice:
		b.WriteByte('[')
		if t.hasFrom {
			b.WriteString(strconv.Itoa(t.from))
		}
		b.WriteByte(':')
		if t.hasTo {
			b.WriteString(strconv.Itoa(t.to))
		}
		b.WriteByte(']')
	case tkWildcard:
		b.WriteString("[*]")
	case tkScan:
		b.WriteString("..")
	case tkFilter:
		b.WriteString("[?]")
	case tkFunction:
		if !strings.HasSuffix(b.String(), "..") {
			b.WriteByte('.')
		}
		b.WriteString(t.fn)
		b.WriteString("()")
	}
}

// functions lists the supported path functions.
var functions = map[string]bool{
	"length": true, "size": true, "min": true, "max": true, "avg": true,
	"stddev": true, "sum": true, "keys": true, "first": true, "last": true,
}

// maxFilterDepth bounds the nesting of filters and parentheses so that
// adversarial input cannot exhaust the stack.
const maxFilterDepth = 64

type parser struct {
	src   string // the original text, for String and errors
	full  string // the text being parsed (trimmed)
	pos   int
	depth int
	// embedded is set while parsing a path inside a filter: the path ends at
	// the first character that cannot continue it.
	embedded bool
}

func (p *parser) fail(format string, args ...any) error {
	return &SyntaxError{Path: p.src, Pos: p.pos, Msg: sprintf(format, args...)}
}

func (p *parser) eof() bool { return p.pos >= len(p.full) }

func (p *parser) peek() byte {
	if p.pos < len(p.full) {
		return p.full[p.pos]
	}
	return 0
}

func (p *parser) skipSpaces() {
	for p.pos < len(p.full) && isSpace(p.full[p.pos]) {
		p.pos++
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// parse parses a whole path.
func (p *parser) parse() (*Path, error) {
	path, err := p.parsePath(false)
	if err != nil {
		return nil, err
	}
	if !p.eof() {
		return nil, p.fail("unexpected character %q", p.peek())
	}
	return path, nil
}

// parsePath parses a path starting at p.pos. allowCurrent permits the "@"
// root used inside filters.
func (p *parser) parsePath(allowCurrent bool) (*Path, error) {
	path := &Path{src: p.src}
	if p.embedded {
		path.src = ""
	}
	start := p.pos
	switch {
	case p.peek() == '@' && allowCurrent:
		path.root = rootCurrent
		p.pos++
	case p.peek() != '$':
		return nil, p.fail("a path must start with '$'")
	case strings.HasPrefix(p.full[p.pos:], "$$"):
		if p.embedded {
			return nil, p.fail("context object paths are not supported inside filters")
		}
		path.root = rootContext
		p.pos += 2
	default:
		p.pos++
		if c := p.peek(); isIdentStart(c) && !p.embedded {
			begin := p.pos
			for p.pos < len(p.full) && isIdentPart(p.full[p.pos]) {
				p.pos++
			}
			path.root = rootVariable
			path.variable = p.full[begin:p.pos]
		}
	}
	for !p.eof() {
		c := p.peek()
		if c != '.' && c != '[' {
			if p.embedded {
				break
			}
			return nil, p.fail("could not parse token starting at position %d", p.pos)
		}
		if n := len(path.tokens); n > 0 && path.tokens[n-1].kind == tkFunction {
			return nil, p.fail("a function must be the last step of a path")
		}
		if err := p.parseToken(path); err != nil {
			return nil, err
		}
	}
	if p.embedded {
		path.src = p.full[start:p.pos]
	}
	path.finish()
	return path, nil
}

func (path *Path) finish() {
	n := len(path.tokens)
	path.firstIndef = n
	path.reference = true
	for i := range path.tokens {
		t := &path.tokens[i]
		if !t.definite(i == n-1) && path.firstIndef == n {
			path.firstIndef = i
		}
		switch {
		case t.kind == tkProperty && len(t.names) == 1:
		case t.kind == tkIndex && len(t.indexes) == 1:
		default:
			path.reference = false
		}
	}
	path.hasFunc = n > 0 && path.tokens[n-1].kind == tkFunction
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isIdentPart(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

// parseToken parses one step starting at '.' or '['.
func (p *parser) parseToken(path *Path) error {
	if p.peek() == '[' {
		return p.parseBracket(path)
	}
	// '.'
	if strings.HasPrefix(p.full[p.pos:], "..") {
		p.pos += 2
		if p.eof() || p.embedded && !p.canStartStep() {
			return p.fail("path must not end with a '.' or '..'")
		}
		if p.peek() == '.' {
			return p.fail("character '.' is not valid here")
		}
		path.tokens = append(path.tokens, token{kind: tkScan})
		if p.peek() == '[' {
			return p.parseBracket(path)
		}
		return p.parseDotStep(path)
	}
	p.pos++
	if p.eof() || p.embedded && !p.canStartStep() {
		return p.fail("path must not end with a '.'")
	}
	switch p.peek() {
	case '.':
		return p.fail("character '.' is not valid here")
	case '[':
		return p.parseBracket(path)
	}
	return p.parseDotStep(path)
}

// canStartStep reports, in embedded mode, whether the next character can
// begin a step after '.'.
func (p *parser) canStartStep() bool {
	c := p.peek()
	return c != 0 && !isSpace(c) && !isFilterStop(c)
}

// isFilterStop reports characters that end a path embedded in a filter.
func isFilterStop(c byte) bool {
	switch c {
	case '<', '>', '=', '~', '!', ')', '&', '|', ',':
		return true
	}
	return false
}

// parseDotStep parses a name, "*" or a function after '.'.
func (p *parser) parseDotStep(path *Path) error {
	if p.peek() == '*' {
		p.pos++
		path.tokens = append(path.tokens, token{kind: tkWildcard})
		return nil
	}
	begin := p.pos
	for !p.eof() {
		c := p.peek()
		if c == '.' || c == '[' || c == '(' {
			break
		}
		if isSpace(c) {
			if p.embedded {
				break
			}
			return p.fail("use bracket notation ['my prop'] if a property contains blank characters")
		}
		if p.embedded && isFilterStop(c) {
			break
		}
		p.pos++
	}
	name := p.full[begin:p.pos]
	if name == "" {
		return p.fail("empty property name")
	}
	if p.peek() == '(' {
		if !functions[name] {
			return p.fail("function %s() does not exist", name)
		}
		p.pos++
		p.skipSpaces()
		if p.peek() != ')' {
			return p.fail("function %s() takes no arguments", name)
		}
		p.pos++
		path.tokens = append(path.tokens, token{kind: tkFunction, fn: name})
		return nil
	}
	path.tokens = append(path.tokens, token{kind: tkProperty, names: []string{name}, delim: '\''})
	return nil
}

// parseBracket parses a step in brackets starting at '['.
func (p *parser) parseBracket(path *Path) error {
	p.pos++ // '['
	p.skipSpaces()
	switch c := p.peek(); {
	case c == '?':
		return p.parseFilterStep(path)
	case c == '*':
		p.pos++
		p.skipSpaces()
		if p.peek() != ']' {
			return p.fail("expected wildcard token to end with ']'")
		}
		p.pos++
		path.tokens = append(path.tokens, token{kind: tkWildcard})
		return nil
	case c == '\'' || c == '"':
		return p.parseBracketNames(path, c)
	case c == '-' || c == ':' || c >= '0' && c <= '9':
		return p.parseIndexes(path)
	case c == 0:
		return p.fail("unterminated '['")
	default:
		return p.fail("could not parse token starting at position %d", p.pos)
	}
}

// parseBracketNames parses ['a'] or ['a', 'b']. As AWS does, a backslash
// keeps the next character from ending the name but stays part of it.
func (p *parser) parseBracketNames(path *Path, delim byte) error {
	var names []string
	for {
		p.skipSpaces()
		if p.peek() != delim {
			return p.fail("expected %c", delim)
		}
		p.pos++
		begin := p.pos
		for {
			if p.eof() {
				return p.fail("property has not been closed - missing closing %c", delim)
			}
			c := p.full[p.pos]
			if c == '\\' {
				p.pos = min(p.pos+2, len(p.full))
				continue
			}
			if c == delim {
				break
			}
			p.pos++
		}
		names = append(names, p.full[begin:p.pos])
		p.pos++
		p.skipSpaces()
		switch p.peek() {
		case ',':
			p.pos++
			continue
		case ']':
			p.pos++
			path.tokens = append(path.tokens, token{kind: tkProperty, names: names, delim: delim})
			return nil
		default:
			return p.fail("property must be separated by comma or terminated by ']'")
		}
	}
}

// parseIndexes parses [0], [0,1], [-1], [1:3], [:2] or [-2:].
func (p *parser) parseIndexes(path *Path) error {
	end := strings.IndexByte(p.full[p.pos:], ']')
	if end < 0 {
		return p.fail("unterminated '['")
	}
	expr := p.full[p.pos : p.pos+end]
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		if !(c >= '0' && c <= '9' || c == ',' || c == '-' || c == ':' || isSpace(c)) {
			return p.fail("invalid character %q in array index", c)
		}
	}
	if strings.Contains(expr, ":") {
		parts := strings.Split(expr, ":")
		if len(parts) != 2 {
			return p.fail("slice steps are not supported")
		}
		t := token{kind: tkSlice}
		var err error
		if s := strings.TrimSpace(parts[0]); s != "" {
			if t.from, err = strconv.Atoi(s); err != nil {
				return p.fail("invalid slice start %q", s)
			}
			t.hasFrom = true
		}
		if s := strings.TrimSpace(parts[1]); s != "" {
			if t.to, err = strconv.Atoi(s); err != nil {
				return p.fail("invalid slice end %q", s)
			}
			t.hasTo = true
		}
		if !t.hasFrom && !t.hasTo {
			return p.fail("failed to parse slice operation %q", expr)
		}
		p.pos += end + 1
		path.tokens = append(path.tokens, t)
		return nil
	}
	var indexes []int
	for _, s := range strings.Split(expr, ",") {
		s = strings.TrimSpace(s)
		n, err := strconv.Atoi(s)
		if err != nil {
			return p.fail("invalid array index %q", s)
		}
		indexes = append(indexes, n)
	}
	p.pos += end + 1
	path.tokens = append(path.tokens, token{kind: tkIndex, indexes: indexes})
	return nil
}

// parseFilterStep parses [?(<expr>)].
func (p *parser) parseFilterStep(path *Path) error {
	p.pos++ // '?'
	p.skipSpaces()
	if p.peek() != '(' {
		return p.fail("expected '(' after '?'")
	}
	p.pos++
	outer := p.embedded
	p.embedded = true
	expr, err := p.parseOr()
	p.embedded = outer
	if err != nil {
		return err
	}
	p.skipSpaces()
	if p.peek() != ')' {
		return p.fail("expected ')' to close the filter")
	}
	p.pos++
	p.skipSpaces()
	if p.peek() != ']' {
		return p.fail("expected ']' to close the filter")
	}
	p.pos++
	path.tokens = append(path.tokens, token{kind: tkFilter, filter: expr})
	return nil
}
