package jsonata

import (
	"encoding/base64"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// builtins are JSONata's function library (less $eval, which Step
// Functions does not offer) plus Step Functions' own functions (aws.go).
var builtins map[string]*builtin

type builtinFn = func(c *evalCtx, input any, env *frame, args []any) (any, error)

func define(name, sig string, arity int, fn builtinFn) {
	builtins[name] = &builtin{name: name, sig: mustSignature(sig), arity: arity, fn: fn}
}

func init() {
	builtins = map[string]*builtin{}
	// Aggregation.
	define("sum", "<a<n>:n>", 1, fnSum)
	define("count", "<a:n>", 1, fnCount)
	define("max", "<a<n>:n>", 1, fnMax)
	define("min", "<a<n>:n>", 1, fnMin)
	define("average", "<a<n>:n>", 1, fnAverage)
	// Strings.
	define("string", "<x-b?:s>", 1, fnString)
	define("substring", "<s-nn?:s>", 3, fnSubstring)
	define("substringBefore", "<s-s:s>", 2, fnSubstringBefore)
	define("substringAfter", "<s-s:s>", 2, fnSubstringAfter)
	define("lowercase", "<s-:s>", 1, fnLowercase)
	define("uppercase", "<s-:s>", 1, fnUppercase)
	define("length", "<s-:n>", 1, fnLength)
	define("trim", "<s-:s>", 1, fnTrim)
	define("pad", "<s-ns?:s>", 3, fnPad)
	define("match", "<s-f<s:o>n?:a<o>>", 3, fnMatch)
	define("contains", "<s-(sf):b>", 2, fnContains)
	define("replace", "<s-(sf)(sf)n?:s>", 4, fnReplace)
	define("split", "<s-(sf)n?:a<s>>", 3, fnSplit)
	define("join", "<a<s>s?:s>", 2, fnJoin)
	define("base64encode", "<s-:s>", 1, fnBase64Encode)
	define("base64decode", "<s-:s>", 1, fnBase64Decode)
	define("encodeUrlComponent", "<s-:s>", 1, urlFunc("encodeUrlComponent", encodeURIComponent))
	define("encodeUrl", "<s-:s>", 1, urlFunc("encodeUrl", encodeURI))
	define("decodeUrlComponent", "<s-:s>", 1, urlFunc("decodeUrlComponent", decodeURIComponent))
	define("decodeUrl", "<s-:s>", 1, urlFunc("decodeUrl", decodeURI))
	// Numbers.
	define("number", "<(nsb)-:n>", 1, fnNumber)
	define("floor", "<n-:n>", 1, mathFunc(math.Floor))
	define("ceil", "<n-:n>", 1, mathFunc(math.Ceil))
	define("abs", "<n-:n>", 1, mathFunc(math.Abs))
	define("round", "<n-n?:n>", 2, fnRound)
	define("sqrt", "<n-:n>", 1, fnSqrt)
	define("power", "<n-n:n>", 2, fnPower)
	define("formatNumber", "<n-so?:s>", 3, fnFormatNumber)
	define("formatBase", "<n-n?:s>", 2, fnFormatBase)
	define("formatInteger", "<n-s:s>", 2, fnFormatInteger)
	define("parseInteger", "<s-s:n>", 2, fnParseInteger)
	// Booleans.
	define("boolean", "<x-:b>", 1, fnBoolean)
	define("not", "<x-:b>", 1, fnNot)
	define("exists", "<x:b>", 1, fnExists)
	// Higher-order functions.
	define("map", "<af>", 2, fnMap)
	define("zip", "<a+>", 0, fnZip)
	define("filter", "<af>", 2, fnFilter)
	define("single", "<af?>", 2, fnSingle)
	define("reduce", "<afj?:j>", 3, fnReduce)
	define("sift", "<o-f?:o>", 2, fnSift)
	define("each", "<o-f:a>", 2, fnEach)
	// Arrays and objects.
	define("keys", "<x-:a<s>>", 1, fnKeys)
	define("lookup", "<x-s:x>", 2, fnLookup)
	define("append", "<xx:a>", 2, fnAppend)
	define("spread", "<x-:a<o>>", 1, fnSpread)
	define("merge", "<a<o>:o>", 1, fnMerge)
	define("reverse", "<a:a>", 1, fnReverse)
	define("sort", "<af?:a>", 2, fnSort)
	define("shuffle", "<a:a>", 1, fnShuffle)
	define("distinct", "<x:x>", 1, fnDistinct)
	define("type", "<x:s>", 1, fnType)
	define("error", "<s?:x>", 1, fnError)
	define("assert", "<bs?:x>", 2, fnAssert)
	define("clone", "<(oa)-:o>", 1, fnClone)
	// Dates and times.
	define("now", "<s?s?:s>", 2, fnNow)
	define("millis", "<:n>", 0, fnMillis)
	define("fromMillis", "<n-s?s?:s>", 3, fnFromMillis)
	define("toMillis", "<s-s?:n>", 2, fnToMillis)
	defineAWS()
}

func num(v any) float64 {
	f, _ := toNumber(v)
	return f
}

func str(v any) (string, bool) {
	s, ok := v.(string)
	return s, ok
}

func fnSum(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	if isUndefined(args[0]) {
		return undefined, nil
	}
	total := 0.0
	for _, v := range seqItems(args[0]) {
		total += num(v)
	}
	return total, nil
}

func fnCount(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	if isUndefined(args[0]) {
		return 0.0, nil
	}
	return float64(len(seqItems(args[0]))), nil
}

func fnMax(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	items := seqItems(args[0])
	if len(items) == 0 {
		return undefined, nil
	}
	m := math.Inf(-1)
	for _, v := range items {
		m = math.Max(m, num(v))
	}
	return m, nil
}

func fnMin(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	items := seqItems(args[0])
	if len(items) == 0 {
		return undefined, nil
	}
	m := math.Inf(1)
	for _, v := range items {
		m = math.Min(m, num(v))
	}
	return m, nil
}

func fnAverage(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	items := seqItems(args[0])
	if len(items) == 0 {
		return undefined, nil
	}
	total := 0.0
	for _, v := range items {
		total += num(v)
	}
	return total / float64(len(items)), nil
}

// stringify is $string.
func stringify(v any, pretty bool) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	}
	if isFunction(v) {
		return "", nil
	}
	if f, ok := toNumber(v); ok && (math.IsInf(f, 0) || math.IsNaN(f)) {
		// Step Functions renders non-finite numbers as JavaScript names
		// them (where JSONata in JavaScript fails with D3001).
		return formatNumber(f), nil
	}
	if a, ok := v.(*array); ok && a.outerWrapper && len(a.items) > 0 {
		v = a.items[0]
	}
	var b strings.Builder
	indent := ""
	if pretty {
		indent = "  "
	}
	if err := writeJSON(&b, v, indent, "", true); err != nil {
		return "", err
	}
	return b.String(), nil
}

func fnString(c *evalCtx, _ any, _ *frame, args []any) (any, error) {
	if isUndefined(args[0]) {
		return undefined, nil
	}
	pretty, _ := argAt(args, 1).(bool)
	s, err := stringify(args[0], pretty)
	if err != nil {
		return nil, err
	}
	return s, c.charge(len(s))
}

// jsSliceIndex resolves a JavaScript slice index against length n.
func jsSliceIndex(f float64, n int) int {
	if math.IsNaN(f) {
		return 0
	}
	f = math.Trunc(f)
	if f < 0 {
		f += float64(n)
		if f < 0 {
			return 0
		}
	}
	if f > float64(n) {
		return n
	}
	return int(f)
}

func fnSubstring(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	s, ok := str(args[0])
	if !ok {
		return undefined, nil
	}
	runes := []rune(s)
	n := len(runes)
	start := num(args[1])
	if float64(n)+start < 0 {
		start = 0
	}
	if length, ok := toNumber(argAt(args, 2)); ok {
		if length <= 0 {
			return "", nil
		}
		var end float64
		if start >= 0 {
			end = start + length
		} else {
			end = float64(n) + start + length
		}
		a, b := jsSliceIndex(start, n), jsSliceIndex(end, n)
		if b <= a {
			return "", nil
		}
		return string(runes[a:b]), nil
	}
	return string(runes[jsSliceIndex(start, n):]), nil
}

func fnSubstringBefore(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	s, ok := str(args[0])
	if !ok {
		return undefined, nil
	}
	chars, _ := str(args[1])
	if i := strings.Index(s, chars); i >= 0 {
		return s[:i], nil
	}
	return s, nil
}

func fnSubstringAfter(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	s, ok := str(args[0])
	if !ok {
		return undefined, nil
	}
	chars, _ := str(args[1])
	if i := strings.Index(s, chars); i >= 0 {
		return s[i+len(chars):], nil
	}
	return s, nil
}

func fnLowercase(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	s, ok := str(args[0])
	if !ok {
		return undefined, nil
	}
	return strings.ToLower(s), nil
}

func fnUppercase(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	s, ok := str(args[0])
	if !ok {
		return undefined, nil
	}
	return strings.ToUpper(s), nil
}

func fnLength(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	s, ok := str(args[0])
	if !ok {
		return undefined, nil
	}
	return float64(utf8.RuneCountInString(s)), nil
}

var trimRE = regexp.MustCompile(`[ \t\n\r]+`)

func fnTrim(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	s, ok := str(args[0])
	if !ok {
		return undefined, nil
	}
	r := trimRE.ReplaceAllString(s, " ")
	r = strings.TrimPrefix(r, " ")
	return strings.TrimSuffix(r, " "), nil
}

func fnPad(c *evalCtx, _ any, _ *frame, args []any) (any, error) {
	s, ok := str(args[0])
	if !ok {
		return undefined, nil
	}
	width := num(args[1])
	char, _ := str(argAt(args, 2))
	if char == "" {
		char = " "
	}
	padLength := math.Floor(math.Abs(width)) - float64(utf8.RuneCountInString(s))
	if !(padLength > 0) {
		return s, nil
	}
	if err := c.charge(int(math.Min(padLength, 1e12)) * len(char)); err != nil {
		return nil, err
	}
	n := int(padLength)
	padding := []rune(strings.Repeat(char, n))
	if len(padding) > n {
		padding = padding[:n]
	}
	if width > 0 {
		return s + string(padding), nil
	}
	return string(padding) + s, nil
}

func fnContains(c *evalCtx, _ any, env *frame, args []any) (any, error) {
	s, ok := str(args[0])
	if !ok {
		return undefined, nil
	}
	if token, ok := args[1].(string); ok {
		return strings.Contains(s, token), nil
	}
	m, err := c.matcherFirst(args[1], s, env, "contains")
	if err != nil {
		return nil, err
	}
	return m != nil, nil
}

func fnMatch(c *evalCtx, _ any, env *frame, args []any) (any, error) {
	s, ok := str(args[0])
	if !ok {
		return undefined, nil
	}
	limit, hasLimit := toNumber(argAt(args, 2))
	if hasLimit && limit < 0 {
		return nil, newError("D3040", -1).withValue(limit).withIndex(3)
	}
	result := newSeq()
	if hasLimit && limit == 0 {
		return result, nil
	}
	m, err := c.matcherFirst(args[1], s, env, "match")
	if err != nil {
		return nil, err
	}
	count := 0.0
	for m != nil && (!hasLimit || count < limit) {
		o := newObject(3)
		o.set("match", m.text)
		o.set("index", float64(utf16Index(s, m.start)))
		groups := make([]any, len(m.groups))
		copy(groups, m.groups)
		o.set("groups", groups)
		result.items = append(result.items, o)
		if m, err = m.next(); err != nil {
			return nil, err
		}
		count++
	}
	return result, nil
}

func fnReplace(c *evalCtx, _ any, env *frame, args []any) (any, error) {
	s, ok := str(args[0])
	if !ok {
		return undefined, nil
	}
	if p, ok := args[1].(string); ok && p == "" {
		return nil, newError("D3010", -1).withValue(p).withIndex(2)
	}
	limit, hasLimit := toNumber(argAt(args, 3))
	if hasLimit && limit < 0 {
		return nil, newError("D3011", -1).withValue(limit).withIndex(4)
	}
	if hasLimit && limit == 0 {
		return s, nil
	}
	replacement := args[2]
	var b strings.Builder
	if pattern, ok := args[1].(string); ok {
		rs, isStr := replacement.(string)
		if !isStr {
			rs = ""
		}
		pos, count := 0, 0.0
		for {
			i := strings.Index(s[pos:], pattern)
			if i < 0 || (hasLimit && count >= limit) {
				break
			}
			b.WriteString(s[pos : pos+i])
			b.WriteString(rs)
			pos += i + len(pattern)
			count++
			if err := c.charge(len(rs) + i); err != nil {
				return nil, err
			}
		}
		b.WriteString(s[pos:])
		return b.String(), nil
	}
	m, err := c.matcherFirst(args[1], s, env, "replace")
	if err != nil {
		return nil, err
	}
	if m == nil {
		return s, nil
	}
	pos, count := 0, 0.0
	for m != nil && (!hasLimit || count < limit) {
		if m.start < pos || m.start > len(s) {
			break
		}
		b.WriteString(s[pos:m.start])
		var with any
		if rs, ok := replacement.(string); ok {
			with = substitute(rs, m)
		} else {
			mo := newObject(5)
			mo.set("match", m.text)
			mo.set("start", float64(utf16Index(s, m.start)))
			mo.set("end", float64(utf16Index(s, m.end)))
			mo.set("groups", append([]any{}, m.groups...))
			if with, err = c.apply(replacement, []any{mo}, undefined, env, "replace"); err != nil {
				return nil, err
			}
		}
		ws, isStr := with.(string)
		if !isStr {
			return nil, newError("D3012", -1).withValue(with)
		}
		b.WriteString(ws)
		if err := c.charge(len(ws) + m.start - pos); err != nil {
			return nil, err
		}
		pos = m.start + len(m.text)
		count++
		if m, err = m.next(); err != nil {
			return nil, err
		}
	}
	if pos < len(s) {
		b.WriteString(s[pos:])
	}
	return b.String(), nil
}

// substitute expands $0, $1... and $$ in a $replace replacement string.
func substitute(replacement string, m *match) string {
	var b strings.Builder
	position := 0
	index := strings.IndexByte(replacement, '$')
	for index >= 0 && position < len(replacement) {
		b.WriteString(replacement[position:index])
		position = index + 1
		if position >= len(replacement) {
			b.WriteByte('$')
			break
		}
		dollarVal := replacement[position]
		switch {
		case dollarVal == '$':
			b.WriteByte('$')
			position++
		case dollarVal == '0':
			b.WriteString(m.text)
			position++
		default:
			maxDigits := 1
			if len(m.groups) > 0 {
				maxDigits = int(math.Floor(math.Log10(float64(len(m.groups))))) + 1
			}
			idx, digits := parseLeadingInt(replacement[position:], maxDigits)
			if maxDigits > 1 && idx > len(m.groups) {
				idx, digits = parseLeadingInt(replacement[position:], maxDigits-1)
			}
			if digits > 0 {
				if len(m.groups) > 0 && idx >= 1 && idx <= len(m.groups) {
					if g, ok := m.groups[idx-1].(string); ok {
						b.WriteString(g)
					}
				}
				position += len(strconv.Itoa(idx))
			} else {
				b.WriteByte('$')
			}
		}
		next := strings.IndexByte(replacement[position:], '$')
		if next < 0 {
			index = -1
		} else {
			index = position + next
		}
	}
	if position < len(replacement) {
		b.WriteString(replacement[position:])
	}
	return b.String()
}

// parseLeadingInt is parseInt of up to max leading digits.
func parseLeadingInt(s string, max int) (int, int) {
	n, d := 0, 0
	for d < len(s) && d < max && s[d] >= '0' && s[d] <= '9' {
		n = n*10 + int(s[d]-'0')
		d++
	}
	return n, d
}

func fnSplit(c *evalCtx, _ any, env *frame, args []any) (any, error) {
	s, ok := str(args[0])
	if !ok {
		return undefined, nil
	}
	limit, hasLimit := toNumber(argAt(args, 2))
	if hasLimit && limit < 0 {
		return nil, newError("D3020", -1).withValue(limit).withIndex(3)
	}
	result := []any{}
	if hasLimit && limit == 0 {
		return result, nil
	}
	lim := -1
	if hasLimit {
		lim = int(math.Min(math.Floor(limit), 1<<31))
	}
	if sep, ok := args[1].(string); ok {
		var parts []string
		if sep == "" {
			for _, r := range s {
				parts = append(parts, string(r))
			}
		} else {
			parts = strings.Split(s, sep)
		}
		for _, p := range parts {
			if lim >= 0 && len(result) >= lim {
				break
			}
			result = append(result, p)
		}
		return result, c.charge(len(result))
	}
	m, err := c.matcherFirst(args[1], s, env, "split")
	if err != nil {
		return nil, err
	}
	if m == nil {
		return []any{s}, nil
	}
	start, count := 0, 0
	for m != nil && (lim < 0 || count < lim) {
		if m.start >= start && m.start <= len(s) {
			result = append(result, s[start:m.start])
		}
		start = m.end
		if m, err = m.next(); err != nil {
			return nil, err
		}
		count++
	}
	if lim < 0 || count < lim {
		if start <= len(s) {
			result = append(result, s[start:])
		}
	}
	return result, c.charge(len(result))
}

func fnJoin(c *evalCtx, _ any, _ *frame, args []any) (any, error) {
	if isUndefined(args[0]) {
		return undefined, nil
	}
	sep, _ := str(argAt(args, 1))
	items := seqItems(args[0])
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i], _ = it.(string)
	}
	out := strings.Join(parts, sep)
	return out, c.charge(len(out))
}

func fnBase64Encode(c *evalCtx, _ any, _ *frame, args []any) (any, error) {
	s, ok := str(args[0])
	if !ok {
		return undefined, nil
	}
	return base64.StdEncoding.EncodeToString([]byte(s)), c.charge(len(s) * 2)
}

func fnBase64Decode(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	s, ok := str(args[0])
	if !ok {
		return undefined, nil
	}
	// Like Node's Buffer: lenient about padding and whitespace.
	clean := strings.Map(func(r rune) rune {
		switch {
		case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '+', r == '/':
			return r
		case r == '-':
			return '+'
		case r == '_':
			return '/'
		}
		return -1
	}, s)
	data, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(clean, "="))
	if err != nil {
		// Drop a trailing partial byte as Buffer does.
		for len(clean) > 0 && err != nil {
			clean = clean[:len(clean)-1]
			data, err = base64.RawStdEncoding.DecodeString(clean)
		}
	}
	return strings.ToValidUTF8(string(data), "\uFFFD"), nil
}

func urlFunc(name string, f func(string) (string, bool)) builtinFn {
	return func(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
		s, ok := str(args[0])
		if !ok {
			return undefined, nil
		}
		out, ok := f(s)
		if !ok {
			return nil, &Error{Code: "D3140", Position: -1, Value: s, hasValue: true, FuncName: name}
		}
		return out, nil
	}
}

const (
	uriUnreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()"
	uriReserved   = ";/?:@&=+$,#"
)

func uriEncode(s, keep string) (string, bool) {
	if !utf8.ValidString(s) {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < utf8.RuneSelf && strings.IndexByte(keep, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte("0123456789ABCDEF"[c>>4])
		b.WriteByte("0123456789ABCDEF"[c&0xf])
	}
	return b.String(), true
}

func encodeURIComponent(s string) (string, bool) { return uriEncode(s, uriUnreserved) }
func encodeURI(s string) (string, bool)          { return uriEncode(s, uriUnreserved+uriReserved) }

func uriDecode(s, reservedSet string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		start := i
		var buf []byte
		for i < len(s) && s[i] == '%' {
			if i+2 >= len(s) {
				return "", false
			}
			v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				return "", false
			}
			buf = append(buf, byte(v))
			i += 3
			if utf8.FullRune(buf) {
				break
			}
		}
		i--
		r, size := utf8.DecodeRune(buf)
		if r == utf8.RuneError || size != len(buf) {
			return "", false
		}
		if r < utf8.RuneSelf && strings.ContainsRune(reservedSet, r) {
			b.WriteString(s[start : i+1])
			continue
		}
		b.Write(buf)
	}
	return b.String(), true
}

func decodeURIComponent(s string) (string, bool) { return uriDecode(s, "") }
func decodeURI(s string) (string, bool)          { return uriDecode(s, uriReserved) }

var (
	numberStringRE = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$`)
	hexOctBinRE    = regexp.MustCompile(`^(0[xX][0-9A-Fa-f]+|0[oO][0-7]+|0[bB][01]+)$`)
)

func fnNumber(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	arg := args[0]
	switch x := arg.(type) {
	case undefinedType:
		return undefined, nil
	case bool:
		if x {
			return 1.0, nil
		}
		return 0.0, nil
	case string:
		if numberStringRE.MatchString(x) {
			f, err := strconv.ParseFloat(x, 64)
			if err == nil && !math.IsInf(f, 0) {
				return f, nil
			}
		}
		if hexOctBinRE.MatchString(x) {
			base := 16
			switch x[1] {
			case 'o', 'O':
				base = 8
			case 'b', 'B':
				base = 2
			}
			if n, ok := new(big.Int).SetString(x[2:], base); ok {
				f, _ := new(big.Float).SetInt(n).Float64()
				return f, nil
			}
		}
	}
	if f, ok := toNumber(arg); ok {
		return f, nil
	}
	return nil, newError("D3030", -1).withValue(arg).withIndex(1)
}

func mathFunc(f func(float64) float64) builtinFn {
	return func(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
		if isUndefined(args[0]) {
			return undefined, nil
		}
		r := f(num(args[0]))
		if r == 0 {
			r = 0 // no -0
		}
		return r, nil
	}
}

// shiftDecimal multiplies f by 10^n through its decimal text, as
// JSONata's $round does to avoid binary rounding errors.
func shiftDecimal(f float64, n int) float64 {
	s := formatNumber(f)
	mant, exp, hasExp := strings.Cut(s, "e")
	e := 0
	if hasExp {
		e, _ = strconv.Atoi(exp)
	}
	r, err := strconv.ParseFloat(mant+"e"+strconv.Itoa(e+n), 64)
	if err != nil {
		return f * math.Pow(10, float64(n))
	}
	return r
}

// roundHalfEven is $round.
func roundHalfEven(arg float64, precision int) float64 {
	if precision != 0 {
		arg = shiftDecimal(arg, precision)
	}
	result := math.Floor(arg + 0.5)
	diff := result - arg
	if math.Abs(diff) == 0.5 && math.Abs(math.Mod(result, 2)) == 1 {
		result--
	}
	if precision != 0 {
		result = shiftDecimal(result, -precision)
	}
	if result == 0 {
		result = 0
	}
	return result
}

func fnRound(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	if isUndefined(args[0]) {
		return undefined, nil
	}
	precision := 0
	if p, ok := toNumber(argAt(args, 1)); ok && !math.IsNaN(p) {
		precision = int(math.Max(-400, math.Min(400, math.Trunc(p))))
	}
	return roundHalfEven(num(args[0]), precision), nil
}

func fnSqrt(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	if isUndefined(args[0]) {
		return undefined, nil
	}
	f := num(args[0])
	if f < 0 {
		return nil, newError("D3060", -1).withValue(f).withIndex(1)
	}
	return math.Sqrt(f), nil
}

func fnPower(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	if isUndefined(args[0]) {
		return undefined, nil
	}
	base, exp := num(args[0]), num(args[1])
	r := math.Pow(base, exp)
	if math.IsInf(r, 0) || math.IsNaN(r) {
		e := newError("D3061", -1).withValue(base).withIndex(1)
		e.Exp = exp
		return nil, e
	}
	return r, nil
}

// jsBoolean is $boolean: undefined stays undefined.
func jsBoolean(v any) any {
	if isUndefined(v) {
		return undefined
	}
	return toBoolean(v)
}

// toBoolean is JSONata's effective boolean value (undefined is false).
func toBoolean(v any) bool {
	switch x := v.(type) {
	case undefinedType, nil:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case []any, *array:
		items, _ := arrayItems(x)
		switch len(items) {
		case 0:
			return false
		case 1:
			return toBoolean(items[0])
		}
		for _, it := range items {
			if toBoolean(it) {
				return true
			}
		}
		return false
	case map[string]any, *object:
		return objectLen(x) > 0
	}
	if f, ok := toNumber(v); ok {
		return f != 0 && !math.IsNaN(f)
	}
	return false
}

func fnBoolean(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	return jsBoolean(args[0]), nil
}

func fnNot(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	if isUndefined(args[0]) {
		return undefined, nil
	}
	return !toBoolean(args[0]), nil
}

func fnExists(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	return !isUndefined(args[0]), nil
}

// hofArgs builds the arguments of a function passed to a higher-order
// function: the value, then the index and the whole when it takes them.
func hofArgs(f any, v, i, whole any) []any {
	args := []any{v}
	n := arity(f)
	if n >= 2 {
		args = append(args, i)
	}
	if n >= 3 {
		args = append(args, whole)
	}
	return args
}

func fnMap(c *evalCtx, _ any, env *frame, args []any) (any, error) {
	if isUndefined(args[0]) {
		return undefined, nil
	}
	items := seqItems(args[0])
	result := newSeq()
	for i, it := range items {
		res, err := c.apply(args[1], hofArgs(args[1], it, float64(i), args[0]), undefined, env, "map")
		if err != nil {
			return nil, err
		}
		if !isUndefined(res) {
			result.items = append(result.items, res)
		}
	}
	return result, nil
}

func fnFilter(c *evalCtx, _ any, env *frame, args []any) (any, error) {
	if isUndefined(args[0]) {
		return undefined, nil
	}
	items := seqItems(args[0])
	result := newSeq()
	for i, it := range items {
		res, err := c.apply(args[1], hofArgs(args[1], it, float64(i), args[0]), undefined, env, "filter")
		if err != nil {
			return nil, err
		}
		if toBoolean(res) {
			result.items = append(result.items, it)
		}
	}
	return result, nil
}

func fnSingle(c *evalCtx, _ any, env *frame, args []any) (any, error) {
	if isUndefined(args[0]) {
		return undefined, nil
	}
	items := seqItems(args[0])
	found := false
	var result any = undefined
	for i, it := range items {
		positive := true
		if f := argAt(args, 1); !isUndefined(f) {
			res, err := c.apply(f, hofArgs(f, it, float64(i), args[0]), undefined, env, "single")
			if err != nil {
				return nil, err
			}
			positive = toBoolean(res)
		}
		if positive {
			if found {
				return nil, newError("D3138", -1)
			}
			result, found = it, true
		}
	}
	if !found {
		return nil, newError("D3139", -1)
	}
	return result, nil
}

func fnReduce(c *evalCtx, _ any, env *frame, args []any) (any, error) {
	if isUndefined(args[0]) {
		return undefined, nil
	}
	items := seqItems(args[0])
	f := args[1]
	n := arity(f)
	if n < 2 {
		return nil, newError("D3050", -1).withIndex(1)
	}
	var result any
	index := 0
	init := argAt(args, 2)
	if isUndefined(init) && len(items) > 0 {
		result, index = items[0], 1
	} else {
		result = init
	}
	for ; index < len(items); index++ {
		callArgs := []any{result, items[index]}
		if n >= 3 {
			callArgs = append(callArgs, float64(index))
		}
		if n >= 4 {
			callArgs = append(callArgs, args[0])
		}
		var err error
		if result, err = c.apply(f, callArgs, undefined, env, "reduce"); err != nil {
			return nil, err
		}
	}
	return result, nil
}

func fnZip(c *evalCtx, _ any, _ *frame, args []any) (any, error) {
	length := -1
	for _, a := range args {
		n := 0
		if items, ok := arrayItems(a); ok {
			n = len(items)
		}
		if length < 0 || n < length {
			length = n
		}
	}
	result := []any{}
	for i := 0; i < length; i++ {
		t := make([]any, len(args))
		for j, a := range args {
			t[j] = seqItems(a)[i]
		}
		result = append(result, t)
	}
	return result, c.charge(length * len(args))
}

func fnSift(c *evalCtx, _ any, env *frame, args []any) (any, error) {
	obj := args[0]
	if !isObject(obj) {
		return undefined, nil
	}
	f := argAt(args, 1)
	result := newObject(0)
	for _, k := range objectKeys(obj) {
		v, _ := objectGet(obj, k)
		res, err := c.apply(f, hofArgs(f, v, k, obj), undefined, env, "sift")
		if err != nil {
			return nil, err
		}
		if toBoolean(res) {
			result.set(k, v)
		}
	}
	if len(result.keys) == 0 {
		return undefined, nil
	}
	return result, nil
}

func fnEach(c *evalCtx, _ any, env *frame, args []any) (any, error) {
	obj := args[0]
	result := newSeq()
	if !isObject(obj) {
		return result, nil
	}
	f := args[1]
	for _, k := range objectKeys(obj) {
		v, _ := objectGet(obj, k)
		res, err := c.apply(f, hofArgs(f, v, k, obj), undefined, env, "each")
		if err != nil {
			return nil, err
		}
		if !isUndefined(res) {
			result.items = append(result.items, res)
		}
	}
	return result, nil
}

func keysOf(arg any) []string {
	if items, ok := arrayItems(arg); ok {
		seen := newObject(0)
		for _, it := range items {
			for _, k := range keysOf(it) {
				seen.set(k, true)
			}
		}
		return seen.orderedKeys()
	}
	if isObject(arg) {
		return objectKeys(arg)
	}
	return nil
}

func fnKeys(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	keys := keysOf(args[0])
	result := newSeq()
	result.items = make([]any, len(keys))
	for i, k := range keys {
		result.items[i] = k
	}
	return result, nil
}

func fnLookup(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	key, _ := str(args[1])
	return lookupKey(args[0], key), nil
}

func fnAppend(c *evalCtx, _ any, _ *frame, args []any) (any, error) {
	r := appendValues(args[0], args[1])
	if items, ok := arrayItems(r); ok {
		if err := c.charge(len(items)); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func spread(arg any) any {
	if items, ok := arrayItems(arg); ok {
		var result any = newSeq()
		for _, it := range items {
			result = appendValues(result, spread(it))
		}
		return result
	}
	if isObject(arg) {
		result := newSeq()
		for _, k := range objectKeys(arg) {
			v, _ := objectGet(arg, k)
			o := newObject(1)
			o.set(k, v)
			result.items = append(result.items, o)
		}
		return result
	}
	return arg
}

func fnSpread(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	return spread(args[0]), nil
}

func fnMerge(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	if isUndefined(args[0]) {
		return undefined, nil
	}
	result := newObject(0)
	for _, o := range seqItems(args[0]) {
		for _, k := range objectKeys(o) {
			v, _ := objectGet(o, k)
			result.set(k, v)
		}
	}
	return result, nil
}

func fnReverse(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	if isUndefined(args[0]) {
		return undefined, nil
	}
	items := seqItems(args[0])
	if len(items) <= 1 {
		return args[0], nil
	}
	out := make([]any, len(items))
	for i, it := range items {
		out[len(items)-1-i] = it
	}
	return out, nil
}

func fnSort(c *evalCtx, _ any, env *frame, args []any) (any, error) {
	if isUndefined(args[0]) {
		return undefined, nil
	}
	items := seqItems(args[0])
	if len(items) <= 1 {
		return args[0], nil
	}
	var swap func(a, b any) (bool, error)
	if f := argAt(args, 1); !isUndefined(f) {
		swap = func(a, b any) (bool, error) {
			r, err := c.apply(f, []any{a, b}, undefined, env, "sort")
			if err != nil {
				return false, err
			}
			return jsTruthy(r), nil
		}
	} else {
		allNums, allStrs := true, true
		for _, it := range items {
			if _, ok := it.(string); !ok {
				allStrs = false
			}
			if f, ok := toNumber(it); !ok || math.IsNaN(f) {
				allNums = false
			}
		}
		if !allNums && !allStrs {
			return nil, newError("D3070", -1).withIndex(1)
		}
		swap = func(a, b any) (bool, error) {
			if allStrs {
				return compareStrings(a.(string), b.(string)) > 0, nil
			}
			return num(a) > num(b), nil
		}
	}
	return c.mergeSort(args[0], swap)
}

func fnShuffle(c *evalCtx, _ any, _ *frame, args []any) (any, error) {
	if isUndefined(args[0]) {
		return undefined, nil
	}
	items := seqItems(args[0])
	if len(items) <= 1 {
		return args[0], nil
	}
	result := make([]any, len(items))
	for i, it := range items {
		j := int(math.Floor(c.random() * float64(i+1)))
		if j > i {
			j = i
		}
		if i != j {
			result[i] = result[j]
		}
		result[j] = it
	}
	return result, nil
}

func fnDistinct(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	arg := args[0]
	if isUndefined(arg) {
		return undefined, nil
	}
	items, ok := arrayItems(arg)
	if !ok || len(items) <= 1 {
		return arg, nil
	}
	var results []any
	for _, v := range items {
		dup := false
		for _, r := range results {
			if deepEqual(v, r) {
				dup = true
				break
			}
		}
		if !dup {
			results = append(results, v)
		}
	}
	if isSequence(arg) {
		return &array{items: results, seq: true}, nil
	}
	return results, nil
}

func fnType(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	v := args[0]
	switch v.(type) {
	case undefinedType:
		return undefined, nil
	case nil:
		return "null", nil
	case string:
		return "string", nil
	case bool:
		return "boolean", nil
	case []any, *array:
		return "array", nil
	}
	if isNumber(v) {
		return "number", nil
	}
	if isFunction(v) {
		return "function", nil
	}
	return "object", nil
}

func fnError(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	msg, ok := str(argAt(args, 0))
	if !ok || msg == "" {
		msg = "$error() function evaluated"
	}
	return nil, &Error{Code: "D3137", Position: -1, Message: msg}
}

func fnAssert(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	if b, _ := args[0].(bool); b {
		return undefined, nil
	}
	msg, ok := str(argAt(args, 1))
	if !ok || msg == "" {
		msg = "$assert() statement failed"
	}
	return nil, &Error{Code: "D3141", Position: -1, Message: msg}
}

// cloneValue deep-copies v through its JSON form, as $clone does
// (numbers rounded to 15 significant digits, functions become "").
func cloneValue(v any) any { return cloneDepth(v, 0) }

func cloneDepth(v any, depth int) any {
	if depth > maxValueDepth {
		return nil
	}
	switch x := v.(type) {
	case string, bool, nil:
		return x
	case undefinedType:
		return undefined
	case []any, *array:
		items, _ := arrayItems(x)
		out := make([]any, 0, len(items))
		for _, it := range items {
			if isUndefined(it) {
				out = append(out, nil)
				continue
			}
			out = append(out, cloneDepth(it, depth+1))
		}
		return out
	case map[string]any, *object:
		keys := objectKeys(x)
		o := newObject(len(keys))
		for _, k := range keys {
			e, _ := objectGet(x, k)
			if isUndefined(e) {
				continue
			}
			o.set(k, cloneDepth(e, depth+1))
		}
		return o
	case tuple:
		return undefined
	}
	if f, ok := toNumber(v); ok {
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return nil
		}
		return toPrecision15(f)
	}
	if isFunction(v) {
		return ""
	}
	return nil
}

func fnClone(c *evalCtx, _ any, _ *frame, args []any) (any, error) {
	if isUndefined(args[0]) {
		return undefined, nil
	}
	if f, ok := toNumber(args[0]); ok && (math.IsInf(f, 0) || math.IsNaN(f)) {
		return nil, newError("D3001", -1).withValue(f)
	}
	return cloneValue(args[0]), nil
}
