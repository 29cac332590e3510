package jsonata

import (
	"regexp"
	"strings"
)

// signature is a parsed function signature such as "<s-nn?:s>": it checks
// (and fixes up) the arguments of a call.
type signature struct {
	def    string
	params []sigParam
	re     *regexp.Regexp
}

type sigParam struct {
	typ       string // s n b l o a f j x, or "(sn)" for a choice
	regex     string
	context   bool // '-': use the context value when the argument is missing
	contextRE *regexp.Regexp
	subtype   string // for a<...> and f<...>
}

var arraySignatureMapping = map[string]string{
	"a": "arrays", "b": "booleans", "f": "functions", "n": "numbers", "o": "objects", "s": "strings",
}

// parseSignature parses a signature between angle brackets.
func parseSignature(sig string) (*signature, error) {
	s := &signature{def: sig}
	var params []sigParam
	param := sigParam{}
	prev := -1 // index of the previous param in params
	next := func() {
		params = append(params, param)
		prev = len(params) - 1
		param = sigParam{}
	}
	findClosing := func(start int, open, close byte) int {
		depth := 1
		pos := start
		for pos < len(sig) {
			pos++
			if pos >= len(sig) {
				break
			}
			switch sig[pos] {
			case close:
				depth--
				if depth == 0 {
					return pos
				}
			case open:
				depth++
			}
		}
		return pos
	}
	for pos := 1; pos < len(sig); pos++ {
		c := sig[pos]
		if c == ':' {
			break
		}
		switch c {
		case 's', 'n', 'b', 'l', 'o':
			param.regex = "[" + string(c) + "m]"
			param.typ = string(c)
			next()
		case 'a':
			param.regex = "[asnblfom]"
			param.typ = "a"
			next()
		case 'f':
			param.regex = "f"
			param.typ = "f"
			next()
		case 'j':
			param.regex = "[asnblom]"
			param.typ = "j"
			next()
		case 'x':
			param.regex = "[asnblfom]"
			param.typ = "x"
			next()
		case '-':
			if prev >= 0 {
				p := &params[prev]
				p.context = true
				p.contextRE = regexp.MustCompile(p.regex)
				p.regex += "?"
			}
		case '?', '+':
			if prev >= 0 {
				params[prev].regex += string(c)
			}
		case '(':
			end := findClosing(pos, '(', ')')
			if end > len(sig) {
				end = len(sig)
			}
			choice := sig[pos+1 : end]
			if strings.Contains(choice, "<") {
				return nil, &Error{Code: "S0402", Position: pos, Value: choice, hasValue: true}
			}
			param.regex = "[" + regexp.QuoteMeta(choice) + "m]"
			param.typ = "(" + choice + ")"
			pos = end
			next()
		case '<':
			if prev >= 0 && (params[prev].typ == "a" || params[prev].typ == "f") {
				end := findClosing(pos, '<', '>')
				if end > len(sig) {
					end = len(sig)
				}
				params[prev].subtype = sig[pos+1 : end]
				pos = end
			} else {
				var t any = undefined
				if prev >= 0 {
					t = params[prev].typ
				}
				return nil, &Error{Code: "S0401", Position: pos, Value: t, hasValue: true}
			}
		}
	}
	var re strings.Builder
	re.WriteByte('^')
	for _, p := range params {
		re.WriteString("(" + p.regex + ")")
	}
	re.WriteByte('$')
	compiled, err := regexp.Compile(re.String())
	if err != nil {
		return nil, &Error{Code: "S0401", Position: 0, Value: sig, hasValue: true}
	}
	s.params, s.re = params, compiled
	return s, nil
}

// validate checks args against the signature and returns them fixed up:
// missing context arguments filled in, single values wrapped in arrays for
// array parameters. name is the function's name for error messages.
func (s *signature) validate(args []any, context any, name string) ([]any, error) {
	var supplied strings.Builder
	for _, a := range args {
		supplied.WriteByte(typeLetter(a))
	}
	sig := supplied.String()
	m := s.re.FindStringSubmatch(sig)
	if m == nil {
		return nil, s.validationError(args, sig, name)
	}
	validated := make([]any, 0, len(s.params))
	argIndex := 0
	argAt := func(i int) any {
		if i < len(args) {
			return args[i]
		}
		return undefined
	}
	for i, param := range s.params {
		arg := argAt(argIndex)
		match := m[i+1]
		if match == "" {
			if param.context && param.contextRE != nil {
				if param.contextRE.MatchString(string(typeLetter(context))) {
					validated = append(validated, context)
				} else {
					return nil, &Error{Code: "T0411", Position: -1, Value: context, hasValue: true,
						Index: argIndex + 1, Token: name, hasToken: true}
				}
			} else {
				validated = append(validated, arg)
				argIndex++
			}
			continue
		}
		for j := 0; j < len(match); j++ {
			single := match[j]
			arg = argAt(argIndex)
			if param.typ == "a" {
				if single == 'm' {
					arg = undefined
				} else {
					ok := true
					if param.subtype != "" {
						if single != 'a' && match != param.subtype {
							ok = false
						} else if single == 'a' {
							items, _ := arrayItems(arg)
							if len(items) > 0 {
								itemType := typeLetter(items[0])
								if itemType != param.subtype[0] {
									ok = false
								} else {
									for _, it := range items {
										if typeLetter(it) != itemType {
											ok = false
											break
										}
									}
								}
							}
						}
					}
					if !ok {
						return nil, &Error{Code: "T0412", Position: -1, Value: arg, hasValue: true, Index: argIndex + 1,
							Type: arraySignatureMapping[param.subtype], Token: name, hasToken: true}
					}
					if single != 'a' {
						arg = []any{arg}
					}
				}
			}
			validated = append(validated, arg)
			argIndex++
		}
	}
	return validated, nil
}

func (s *signature) validationError(args []any, sig, name string) error {
	partial := "^"
	goodTo := 0
	for _, p := range s.params {
		partial += p.regex
		re, err := regexp.Compile(partial)
		if err != nil {
			break
		}
		loc := re.FindStringIndex(sig)
		if loc == nil {
			break
		}
		goodTo = loc[1]
	}
	var v any = undefined
	if goodTo < len(args) {
		v = args[goodTo]
	}
	return &Error{Code: "T0410", Position: -1, Value: v, hasValue: true, Index: goodTo + 1, Token: name, hasToken: true}
}
