// Package filterpattern parses and matches CloudWatch Logs filter patterns
// for unstructured log events, as FilterLogEvents and `aws logs tail
// --filter-pattern` use them. It is pure: no I/O.
//
// Supported (matching is case-sensitive and by substring, on the whole
// message):
//
//	""                      every event
//	ERROR                   events containing ERROR
//	ERROR Exception         events containing both (AND)
//	"Task timed out"        events containing the exact phrase
//	ERROR -Retrying         events containing ERROR but not Retrying
//	-DEBUG                  events not containing DEBUG
//	?ERROR ?WARN            events containing either (OR)
//	?ERROR MainThread ?WARN Deadlock
//	                        (ERROR and MainThread) or (WARN and Deadlock):
//	                        each ? starts an alternative; the terms after it,
//	                        up to the next ?, belong to that alternative
//
// Quoted phrases may escape a double quote or a backslash with a backslash.
//
// Not supported, and reported as *UnsupportedError: JSON patterns
// ({ $.level = "ERROR" }), space-delimited patterns ([ip, user, ...]) and
// regular expressions (%ERROR|WARN%).
package filterpattern

import (
	"fmt"
	"strings"
)

// Pattern is a parsed text filter pattern. The zero Pattern matches every
// message.
type Pattern struct {
	alts []alternative // any one must match; none means match all
}

// alternative is a conjunction of terms.
type alternative struct {
	include []string
	exclude []string
}

// SyntaxError is a malformed pattern.
type SyntaxError struct {
	Pattern string
	Reason  string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid filter pattern %q: %s", e.Pattern, e.Reason)
}

// UnsupportedError is a pattern of a kind this package does not evaluate.
type UnsupportedError struct {
	Kind string // "JSON", "space-delimited", "regular expression"
}

func (e *UnsupportedError) Error() string {
	return e.Kind + " filter patterns are not supported; use text terms, \"quoted phrases\", -term and ?term"
}

// Parse parses a text filter pattern.
func Parse(pattern string) (*Pattern, error) {
	p := &Pattern{}
	s := strings.TrimSpace(pattern)
	switch {
	case s == "":
		return p, nil
	case strings.HasPrefix(s, "{"):
		return nil, &UnsupportedError{Kind: "JSON"}
	case strings.HasPrefix(s, "["):
		return nil, &UnsupportedError{Kind: "space-delimited"}
	case strings.HasPrefix(s, "%"):
		return nil, &UnsupportedError{Kind: "regular expression"}
	}
	cur := -1 // index of the alternative being filled; -1 before any
	for len(s) > 0 {
		optional, negated := false, false
		if s[0] == '?' {
			optional, s = true, s[1:]
		}
		if len(s) > 0 && s[0] == '-' {
			negated, s = true, s[1:]
		}
		term, rest, err := readTerm(s)
		if err != nil {
			return nil, &SyntaxError{Pattern: pattern, Reason: err.Error()}
		}
		if term == "" {
			return nil, &SyntaxError{Pattern: pattern, Reason: "empty term"}
		}
		s = strings.TrimLeft(rest, " \t\r\n")
		if optional || cur < 0 {
			p.alts = append(p.alts, alternative{})
			cur = len(p.alts) - 1
		}
		a := &p.alts[cur]
		if negated {
			a.exclude = append(a.exclude, term)
		} else {
			a.include = append(a.include, term)
		}
	}
	return p, nil
}

// readTerm reads one term: a quoted phrase or a run of non-space
// characters.
func readTerm(s string) (term, rest string, err error) {
	if s == "" {
		return "", "", nil
	}
	if s[0] != '"' {
		i := strings.IndexAny(s, " \t\r\n")
		if i < 0 {
			i = len(s)
		}
		return s[:i], s[i:], nil
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
				b.WriteByte(s[i+1])
				i++
				continue
			}
			b.WriteByte(c)
		case '"':
			if i+1 < len(s) && !strings.ContainsRune(" \t\r\n", rune(s[i+1])) {
				return "", "", fmt.Errorf("a quoted phrase must be followed by a space")
			}
			return b.String(), s[i+1:], nil
		default:
			b.WriteByte(c)
		}
	}
	return "", "", fmt.Errorf("unterminated quoted phrase")
}

// Match reports whether message matches the pattern.
func (p *Pattern) Match(message string) bool {
	if len(p.alts) == 0 {
		return true
	}
	for _, a := range p.alts {
		if a.match(message) {
			return true
		}
	}
	return false
}

func (a *alternative) match(message string) bool {
	for _, t := range a.include {
		if !strings.Contains(message, t) {
			return false
		}
	}
	for _, t := range a.exclude {
		if strings.Contains(message, t) {
			return false
		}
	}
	return true
}
