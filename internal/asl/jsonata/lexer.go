package jsonata

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// tokenType is the kind of a lexical token.
type tokenType uint8

const (
	tokEnd tokenType = iota
	tokName
	tokVariable
	tokOperator
	tokString
	tokNumber
	tokValue // true, false, null
	tokRegex
)

type token struct {
	typ   tokenType
	str   string  // name, variable, operator, string literal, regex pattern
	num   float64 // number literal
	val   any     // true/false/null
	flags string  // regex flags
	pos   int
}

// operators maps the operator tokens to their binding powers; the zero
// entries only stop names.
var operators = map[string]int{
	".": 75, "[": 80, "]": 0, "{": 70, "}": 0, "(": 80, ")": 0, ",": 0, "@": 80, "#": 80,
	";": 80, ":": 80, "?": 20, "+": 50, "-": 50, "*": 60, "/": 60, "%": 60, "|": 20,
	"=": 40, "<": 40, ">": 40, "^": 40, "**": 60, "..": 20, ":=": 10, "!=": 40, "<=": 40,
	">=": 40, "~>": 40, "and": 30, "or": 25, "in": 40, "&": 50, "!": 0, "~": 0,
}

// singleCharOps are the characters that are operators on their own (and
// end names).
const singleCharOps = ".[]{}(),@#;:?+-*/%|=<>^&!~"

var escapes = map[byte]string{'"': "\"", '\\': "\\", '/': "/", 'b': "\b", 'f': "\f", 'n': "\n", 'r': "\r", 't': "\t"}

var numberRE = regexp.MustCompile(`^(0|[1-9][0-9]*)(\.[0-9]+)?([Ee][-+]?[0-9]+)?`)

// lexer splits an expression into tokens on demand.
type lexer struct {
	src string
	pos int
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' }

// next returns the next token. afterOperand is true when the token follows
// an operand, where '/' is division rather than the start of a regex.
func (l *lexer) next(afterOperand bool) (token, error) {
	src := l.src
	for l.pos < len(src) && isSpace(src[l.pos]) {
		l.pos++
	}
	if l.pos >= len(src) {
		return token{typ: tokEnd, pos: len(src)}, nil
	}
	c := src[l.pos]
	// Comments.
	if c == '/' && l.pos+1 < len(src) && src[l.pos+1] == '*' {
		start := l.pos
		end := strings.Index(src[l.pos+2:], "*/")
		if end < 0 {
			l.pos = len(src)
			return token{}, newError("S0106", start)
		}
		l.pos += 2 + end + 2
		return l.next(afterOperand)
	}
	if !afterOperand && c == '/' {
		l.pos++
		return l.scanRegex()
	}
	start := l.pos
	if l.pos+1 < len(src) {
		two := src[l.pos : l.pos+2]
		switch two {
		case "..", ":=", "!=", ">=", "<=", "**", "~>":
			l.pos += 2
			return token{typ: tokOperator, str: two, pos: start}, nil
		}
	}
	if strings.IndexByte(singleCharOps, c) >= 0 {
		l.pos++
		return token{typ: tokOperator, str: string(c), pos: start}, nil
	}
	if c == '"' || c == '\'' {
		return l.scanString(c)
	}
	if m := numberRE.FindString(src[l.pos:]); m != "" {
		f, err := strconv.ParseFloat(m, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return token{}, newError("S0102", l.pos).withToken(m)
		}
		l.pos += len(m)
		return token{typ: tokNumber, num: f, pos: start}, nil
	}
	if c == '`' {
		end := strings.IndexByte(src[l.pos+1:], '`')
		if end < 0 {
			l.pos = len(src)
			return token{}, newError("S0105", l.pos)
		}
		name := src[l.pos+1 : l.pos+1+end]
		l.pos += end + 2
		return token{typ: tokName, str: name, pos: start}, nil
	}
	i := l.pos
	for i < len(src) && !isSpace(src[i]) && strings.IndexByte(singleCharOps, src[i]) < 0 {
		i++
	}
	word := src[l.pos:i]
	l.pos = i
	if word[0] == '$' {
		return token{typ: tokVariable, str: word[1:], pos: start}, nil
	}
	switch word {
	case "or", "in", "and":
		return token{typ: tokOperator, str: word, pos: start}, nil
	case "true":
		return token{typ: tokValue, val: true, pos: start}, nil
	case "false":
		return token{typ: tokValue, val: false, pos: start}, nil
	case "null":
		return token{typ: tokValue, val: nil, pos: start}, nil
	}
	return token{typ: tokName, str: word, pos: start}, nil
}

// scanString scans a string literal; the opening quote is at l.pos.
func (l *lexer) scanString(quote byte) (token, error) {
	start := l.pos
	src := l.src
	l.pos++
	var b strings.Builder
	var pendingHigh rune = -1 // a \u high surrogate waiting for its pair
	flush := func() {
		if pendingHigh >= 0 {
			b.WriteRune(utf8.RuneError)
			pendingHigh = -1
		}
	}
	for l.pos < len(src) {
		c := src[l.pos]
		switch {
		case c == '\\':
			l.pos++
			if l.pos >= len(src) {
				return token{}, newError("S0101", l.pos)
			}
			e := src[l.pos]
			if s, ok := escapes[e]; ok {
				flush()
				b.WriteString(s)
			} else if e == 'u' {
				hex := ""
				if l.pos+5 <= len(src) {
					hex = src[l.pos+1 : l.pos+5]
				}
				n, err := strconv.ParseUint(hex, 16, 32)
				if len(hex) != 4 || err != nil || strings.ContainsAny(hex, "+-") {
					return token{}, newError("S0104", l.pos)
				}
				r := rune(n)
				switch {
				case utf16.IsSurrogate(r) && r < 0xdc00:
					flush()
					pendingHigh = r
				case utf16.IsSurrogate(r):
					if pendingHigh >= 0 {
						b.WriteRune(utf16.DecodeRune(pendingHigh, r))
						pendingHigh = -1
					} else {
						b.WriteRune(utf8.RuneError)
					}
				default:
					flush()
					b.WriteRune(r)
				}
				l.pos += 4
			} else {
				r, _ := utf8.DecodeRuneInString(src[l.pos:])
				return token{}, newError("S0103", l.pos).withToken(string(r))
			}
			l.pos++
		case c == quote:
			flush()
			l.pos++
			return token{typ: tokString, str: b.String(), pos: start}, nil
		default:
			flush()
			r, size := utf8.DecodeRuneInString(src[l.pos:])
			b.WriteRune(r)
			l.pos += size
		}
	}
	return token{}, newError("S0101", l.pos)
}

// scanRegex scans a regex literal; the opening '/' has been consumed.
func (l *lexer) scanRegex() (token, error) {
	src := l.src
	start := l.pos
	depth := 0
	isClosing := func(p int) bool {
		if src[p] != '/' || depth != 0 {
			return false
		}
		n := 0
		for p-(n+1) >= 0 && src[p-(n+1)] == '\\' {
			n++
		}
		return n%2 == 0
	}
	for l.pos < len(src) {
		c := src[l.pos]
		if isClosing(l.pos) {
			pattern := src[start:l.pos]
			if pattern == "" {
				return token{}, newError("S0301", l.pos)
			}
			l.pos++
			fstart := l.pos
			for l.pos < len(src) && (src[l.pos] == 'i' || src[l.pos] == 'm') {
				l.pos++
			}
			return token{typ: tokRegex, str: pattern, flags: src[fstart:l.pos], pos: start - 1}, nil
		}
		prevEscaped := l.pos > 0 && src[l.pos-1] == '\\'
		if (c == '(' || c == '[' || c == '{') && !prevEscaped {
			depth++
		}
		if (c == ')' || c == ']' || c == '}') && !prevEscaped {
			depth--
		}
		l.pos++
	}
	return token{}, newError("S0302", l.pos)
}
