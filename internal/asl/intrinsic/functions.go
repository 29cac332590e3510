package intrinsic

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"hash"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// call is one invocation being evaluated.
type call struct {
	node *node
	args []any
	env  Env
}

func (c *call) invalid() error { return invalid(c.node.fn) }

type function struct {
	minArgs, maxArgs int // maxArgs < 0: no limit
	fn               func(c *call) (any, error)
}

// registry lists every intrinsic function with its arity.
var registry = map[string]function{
	"States.Format":         {1, -1, statesFormat},
	"States.StringToJson":   {1, 1, statesStringToJSON},
	"States.JsonToString":   {1, 1, statesJSONToString},
	"States.Array":          {0, -1, statesArray},
	"States.ArrayPartition": {2, 2, statesArrayPartition},
	"States.ArrayContains":  {2, 2, statesArrayContains},
	"States.ArrayRange":     {3, 3, statesArrayRange},
	"States.ArrayGetItem":   {2, 2, statesArrayGetItem},
	"States.ArrayLength":    {1, 1, statesArrayLength},
	"States.ArrayUnique":    {1, 1, statesArrayUnique},
	"States.Base64Encode":   {1, 1, statesBase64Encode},
	"States.Base64Decode":   {1, 1, statesBase64Decode},
	"States.Hash":           {2, 2, statesHash},
	"States.JsonMerge":      {3, 3, statesJSONMerge},
	"States.MathRandom":     {2, 3, statesMathRandom},
	"States.MathAdd":        {2, 2, statesMathAdd},
	"States.StringSplit":    {2, 2, statesStringSplit},
	"States.UUID":           {0, 0, statesUUID},
}

// maxTextLength is the AWS limit on the input of the encoding and hashing
// functions, in UTF-16 code units (Java string length).
const maxTextLength = 10000

// maxRangeItems is the AWS limit on the length of States.ArrayRange's result.
const maxRangeItems = 1000

func statesFormat(c *call) (any, error) {
	var template string
	if first := c.node.args[0]; first.kind == nString {
		template = first.raw // escapes still in place
	} else {
		s, ok := c.args[0].(string)
		if !ok {
			return nil, c.invalid()
		}
		template = s
	}
	values := c.args[1:]
	var b strings.Builder
	next := 0
	for i := 0; i < len(template); i++ {
		switch ch := template[i]; ch {
		case '\\':
			if i+1 >= len(template) {
				return nil, c.invalid()
			}
			i++
			b.WriteByte(template[i])
		case '{':
			if i+1 >= len(template) || template[i+1] != '}' {
				return nil, c.invalid()
			}
			i++
			if next >= len(values) {
				return nil, c.invalid()
			}
			b.WriteString(javaString(values[next]))
			next++
		case '}':
			return nil, c.invalid()
		default:
			b.WriteByte(ch)
		}
	}
	if next != len(values) {
		return nil, c.invalid()
	}
	return b.String(), nil
}

func statesStringToJSON(c *call) (any, error) {
	s, ok := c.args[0].(string)
	if !ok {
		return nil, c.invalid()
	}
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, c.invalid()
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, c.invalid()
	}
	return normalizeNumbers(v), nil
}

// normalizeNumbers rewrites the integer "-0", which Java parsers read as 0.
func normalizeNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if x == "-0" {
			return json.Number("0")
		}
	case []any:
		for i, e := range x {
			x[i] = normalizeNumbers(e)
		}
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeNumbers(e)
		}
	}
	return v
}

func statesJSONToString(c *call) (any, error) {
	s, err := compactJSON(c.args[0])
	if err != nil {
		return nil, c.invalid()
	}
	return s, nil
}

func statesArray(c *call) (any, error) { return c.args, nil }

func statesArrayPartition(c *call) (any, error) {
	list, ok := c.args[0].([]any)
	if !ok {
		return nil, c.invalid()
	}
	size, ok := truncInt32(c.args[1])
	if !ok || size <= 0 {
		return nil, c.invalid()
	}
	out := make([]any, 0, (len(list)+int(size)-1)/int(size))
	for i := 0; i < len(list); i += int(size) {
		end := min(len(list), i+int(size))
		chunk := make([]any, end-i)
		copy(chunk, list[i:end])
		out = append(out, chunk)
	}
	return out, nil
}

func statesArrayContains(c *call) (any, error) {
	list, ok := c.args[0].([]any)
	if !ok {
		return nil, c.invalid()
	}
	// AWS compares the textual forms: true matches "true" and 1 matches "1",
	// and objects compare as serialized.
	want := looseText(c.args[1])
	for _, e := range list {
		if looseText(e) == want {
			return true, nil
		}
	}
	return false, nil
}

func looseText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	s, _ := compactJSON(v)
	return s
}

func statesArrayRange(c *call) (any, error) {
	start, ok1 := truncInt32(c.args[0])
	end, ok2 := truncInt32(c.args[1])
	step, ok3 := truncInt32(c.args[2])
	if !ok1 || !ok2 || !ok3 || step == 0 {
		return nil, c.invalid()
	}
	var count int64
	switch {
	case step > 0 && start <= end:
		count = (end-start)/step + 1
	case step < 0 && start >= end:
		count = (start-end)/(-step) + 1
	}
	if count > maxRangeItems {
		return nil, c.invalid()
	}
	out := make([]any, 0, count)
	for i := int64(0); i < count; i++ {
		out = append(out, json.Number(strconv.FormatInt(start+i*step, 10)))
	}
	return out, nil
}

func statesArrayGetItem(c *call) (any, error) {
	list, ok := c.args[0].([]any)
	if !ok {
		return nil, c.invalid()
	}
	idx, ok := truncInt32(c.args[1])
	if !ok || idx < 0 {
		return nil, c.invalid()
	}
	if len(list) == 0 {
		return nil, nil // what AWS returns for any index into an empty array
	}
	if idx >= int64(len(list)) {
		return nil, c.invalid()
	}
	return list[idx], nil
}

func statesArrayLength(c *call) (any, error) {
	list, ok := c.args[0].([]any)
	if !ok {
		return nil, c.invalid()
	}
	return json.Number(strconv.Itoa(len(list))), nil
}

func statesArrayUnique(c *call) (any, error) {
	list, ok := c.args[0].([]any)
	if !ok {
		return nil, c.invalid()
	}
	seen := make(map[string]bool, len(list))
	out := make([]any, 0, len(list))
	for _, e := range list {
		key, err := compactJSON(e)
		if err != nil {
			return nil, c.invalid()
		}
		if !seen[key] {
			seen[key] = true
			out = append(out, e)
		}
	}
	return out, nil
}

func statesBase64Encode(c *call) (any, error) {
	s, ok := c.args[0].(string)
	if !ok || utf16Len(s) > maxTextLength {
		return nil, c.invalid()
	}
	return base64.StdEncoding.EncodeToString([]byte(s)), nil
}

// statesBase64Decode decodes leniently, as AWS does: characters outside the
// Base64 alphabet are ignored, padding is optional, and bytes that are not
// valid UTF-8 become U+FFFD.
func statesBase64Decode(c *call) (any, error) {
	s, ok := c.args[0].(string)
	if !ok || utf16Len(s) > maxTextLength {
		return nil, c.invalid()
	}
	clean := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '+' || ch == '/' {
			clean = append(clean, ch)
		}
	}
	if len(clean)%4 == 1 {
		clean = clean[:len(clean)-1] // a lone trailing sextet carries no byte
	}
	raw, err := base64.RawStdEncoding.DecodeString(string(clean))
	if err != nil {
		return nil, c.invalid()
	}
	return toValidUTF8(raw), nil
}

func toValidUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		sb.WriteRune(r) // RuneError for invalid bytes
		b = b[size:]
	}
	return sb.String()
}

func statesHash(c *call) (any, error) {
	algo, ok := c.args[1].(string)
	if !ok {
		return nil, c.invalid()
	}
	var h hash.Hash
	switch algo {
	case "MD5":
		h = md5.New()
	case "SHA-1":
		h = sha1.New()
	case "SHA-256":
		h = sha256.New()
	case "SHA-384":
		h = sha512.New384()
	case "SHA-512":
		h = sha512.New()
	default:
		return nil, c.invalid()
	}
	var data string
	switch x := c.args[0].(type) {
	case nil:
		return nil, c.invalid()
	case string:
		data = x
	default:
		// AWS hashes the text of non-string data.
		s, err := compactJSON(x)
		if err != nil {
			return nil, c.invalid()
		}
		data = s
	}
	if utf16Len(data) > maxTextLength {
		return nil, c.invalid()
	}
	h.Write([]byte(data))
	return hex.EncodeToString(h.Sum(nil)), nil
}

func statesJSONMerge(c *call) (any, error) {
	a, ok1 := c.args[0].(map[string]any)
	b, ok2 := c.args[1].(map[string]any)
	if !ok1 || !ok2 {
		return nil, c.invalid()
	}
	if deep, _ := c.args[2].(bool); deep {
		return nil, c.invalid() // only shallow merges are supported
	}
	out := make(map[string]any, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out, nil
}

func statesMathRandom(c *call) (any, error) {
	lo, ok1 := truncInt32(c.args[0])
	hi, ok2 := truncInt32(c.args[1])
	if !ok1 || !ok2 || lo >= hi {
		return nil, c.invalid()
	}
	var seed *int64
	if len(c.args) == 3 {
		n, ok := c.args[2].(json.Number)
		if !ok {
			return nil, c.invalid()
		}
		s, ok := truncInt64(n)
		if !ok {
			return nil, c.invalid()
		}
		seed = &s
	}
	r := c.env.RandomInt(lo, hi, seed)
	return json.Number(strconv.FormatInt(r, 10)), nil
}

func statesMathAdd(c *call) (any, error) {
	a, ok1 := roundInt32(c.args[0])
	b, ok2 := roundInt32(c.args[1])
	if !ok1 || !ok2 {
		return nil, c.invalid()
	}
	sum := a + b
	if sum < math.MinInt32 || sum > math.MaxInt32 {
		return nil, c.invalid()
	}
	return json.Number(strconv.FormatInt(sum, 10)), nil
}

// statesStringSplit splits like Java's StringTokenizer: every character of
// the delimiter separates tokens and empty tokens are dropped.
func statesStringSplit(c *call) (any, error) {
	s, ok1 := c.args[0].(string)
	delim, ok2 := c.args[1].(string)
	if !ok1 || !ok2 {
		return nil, c.invalid()
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(delim, r) })
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out, nil
}

func statesUUID(c *call) (any, error) { return c.env.UUID(), nil }

// ---- helpers ----

// numberFloat returns v as a float64 when it is a JSON number.
func numberFloat(v any) (float64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil && !math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

// truncInt32 converts a JSON number to an integer by truncation and requires
// it to fit a Java int.
func truncInt32(v any) (int64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, ok := truncInt64(n)
	if !ok || i < math.MinInt32 || i > math.MaxInt32 {
		return 0, false
	}
	return i, true
}

func truncInt64(n json.Number) (int64, bool) {
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return i, true
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsNaN(f) || f >= math.MaxInt64 || f < math.MinInt64 {
		return 0, false
	}
	return int64(f), true
}

// roundInt32 rounds a JSON number half up, like Java's Math.round, and
// requires the result to fit a Java int.
func roundInt32(v any) (int64, bool) {
	if n, ok := v.(json.Number); ok {
		if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
			return i, i >= math.MinInt32 && i <= math.MaxInt32
		}
	}
	f, ok := numberFloat(v)
	if !ok {
		return 0, false
	}
	r := math.Floor(f + 0.5)
	if r < math.MinInt32 || r > math.MaxInt32 {
		return 0, false
	}
	return int64(r), true
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

// compactJSON serializes v without insignificant white space, without HTML
// escaping, and with object keys sorted.
func compactJSON(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// javaString renders a value the way AWS's States.Format does, which is
// Java's toString: strings raw, objects as {k=v, k2=v2}, arrays as [a, b].
func javaString(v any) string {
	var b strings.Builder
	writeJava(&b, v)
	return b.String()
}

func writeJava(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		b.WriteString(x)
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case json.Number:
		b.WriteString(string(x))
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJava(b, e)
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k)
			b.WriteByte('=')
			writeJava(b, x[k])
		}
		b.WriteByte('}')
	default:
		s, _ := compactJSON(x)
		b.WriteString(s)
	}
}
