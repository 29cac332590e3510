package jsonata

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"hash"
	"io"
	"math"
	"strconv"
	"strings"
)

// Step Functions' JSONata functions: $partition, $range, $hash, $random
// (with an optional seed), $uuid and $parse. As on Step Functions,
// non-integer arguments are truncated towards zero, and arguments they
// cannot use make them return nothing (a chunk size below 1, an empty
// array, a missing or wrong-signed step, a missing algorithm); the field
// then fails as undefined. Their own failures are error D3200.

func defineAWS() {
	define("partition", "<an?:a>", 2, fnPartition)
	define("range", "<nnn?:a<n>>", 3, fnRange)
	define("hash", "<s-s?:s>", 2, fnHash)
	define("random", "<n?:n>", 1, fnRandom)
	define("uuid", "<:s>", 0, fnUUID)
	define("parse", "<s-:j>", 1, fnParse)
}

func awsError(format string) *Error {
	return &Error{Code: "D3200", Position: -1, Message: format}
}

// maxAWSRange is the longest $range Step Functions returns.
const maxAWSRange = 360145

func fnPartition(c *evalCtx, _ any, _ *frame, args []any) (any, error) {
	items := seqItems(args[0])
	size, ok := toNumber(argAt(args, 1))
	if !ok || len(items) == 0 {
		return undefined, nil
	}
	size = math.Trunc(size)
	if !(size >= 1) {
		return undefined, nil
	}
	n := int(math.Min(size, float64(len(items))))
	out := make([]any, 0, (len(items)+n-1)/n)
	for i := 0; i < len(items); i += n {
		end := min(len(items), i+n)
		chunk := make([]any, end-i)
		copy(chunk, items[i:end])
		out = append(out, chunk)
	}
	return out, c.charge(len(items))
}

func fnRange(c *evalCtx, _ any, _ *frame, args []any) (any, error) {
	stepV, ok := toNumber(argAt(args, 2))
	if !ok {
		return undefined, nil
	}
	start, end, step := math.Trunc(num(args[0])), math.Trunc(num(args[1])), math.Trunc(stepV)
	if step == 0 || math.IsNaN(step) || (step > 0 && start > end) || (step < 0 && start < end) {
		return undefined, nil
	}
	count := math.Floor((end-start)/step) + 1
	if count > maxAWSRange {
		return nil, &Error{Code: "U1003", Position: -1}
	}
	if err := c.charge(int(count)); err != nil {
		return nil, err
	}
	out := &array{seq: true, items: make([]any, 0, int(count))}
	for i := 0; i < int(count); i++ {
		out.items = append(out.items, start+float64(i)*step)
	}
	return out, nil
}

func fnHash(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	data, ok := str(args[0])
	if !ok {
		return undefined, nil
	}
	algo, ok := str(argAt(args, 1))
	if !ok {
		return undefined, nil
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
		return nil, awsError("The hash algorithm of $hash must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512, but was: " + algo)
	}
	h.Write([]byte(data))
	return hex.EncodeToString(h.Sum(nil)), nil
}

// random returns a number in [0, 1) from the evaluation's source.
func (c *evalCtx) random() float64 {
	if c.env != nil && c.env.Random != nil {
		r := c.env.Random()
		if r >= 0 && r < 1 {
			return r
		}
	}
	// No source: a fixed sequence, so evaluation stays deterministic.
	c.fallbackRand += 0x9E3779B97F4A7C15
	z := c.fallbackRand
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	z ^= z >> 31
	return float64(z>>11) / (1 << 53)
}

// javaNextDouble is java.util.Random(seed).nextDouble().
func javaNextDouble(seed int64) float64 {
	const mult, add, mask = 0x5DEECE66D, 0xB, (1 << 48) - 1
	s := (seed ^ mult) & mask
	next := func(bits uint) int64 {
		s = (s*mult + add) & mask
		return s >> (48 - bits)
	}
	hi := next(26)
	lo := next(27)
	return float64(hi<<27+lo) * (1.0 / (1 << 53))
}

func fnRandom(c *evalCtx, _ any, _ *frame, args []any) (any, error) {
	if seed, ok := toNumber(argAt(args, 0)); ok {
		if math.IsNaN(seed) || math.IsInf(seed, 0) || math.Abs(seed) >= 1<<63 {
			return nil, awsError("The seed of $random must be an integer, but was: " + formatNumber(seed))
		}
		return javaNextDouble(int64(math.Trunc(seed))), nil
	}
	return c.random(), nil
}

func fnUUID(c *evalCtx, _ any, _ *frame, _ []any) (any, error) {
	if c.env != nil && c.env.UUID != nil {
		return c.env.UUID(), nil
	}
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(c.random()*(1<<53)))
	binary.BigEndian.PutUint64(b[8:], uint64(c.random()*(1<<53)))
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}

func fnParse(c *evalCtx, _ any, _ *frame, args []any) (any, error) {
	s, ok := str(args[0])
	if !ok {
		return undefined, nil
	}
	if err := c.charge(len(s)); err != nil {
		return nil, err
	}
	v, err := parseJSON(s)
	if err != nil {
		return nil, awsError("The argument of $parse is not valid JSON: " + err.Error())
	}
	return v, nil
}

// parseJSON is JSON.parse: objects keep their key order, numbers become
// float64.
func parseJSON(s string) (any, error) {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	v, err := decodeJSONValue(d, 0)
	if err != nil {
		return nil, err
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return nil, jsonParseError("unexpected data after the JSON value")
	}
	return v, nil
}

type jsonParseError string

func (e jsonParseError) Error() string { return string(e) }

func decodeJSONValue(d *json.Decoder, depth int) (any, error) {
	if depth > 10000 {
		return nil, jsonParseError("JSON nested too deeply")
	}
	tok, err := d.Token()
	if errors.Is(err, io.EOF) {
		return nil, jsonParseError("unexpected end of JSON input")
	}
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := newObject(4)
			for d.More() {
				kt, err := d.Token()
				if err != nil {
					return nil, err
				}
				k, ok := kt.(string)
				if !ok {
					return nil, jsonParseError("object key must be a string")
				}
				v, err := decodeJSONValue(d, depth+1)
				if err != nil {
					return nil, err
				}
				o.set(k, v)
			}
			if _, err := d.Token(); err != nil {
				return nil, err
			}
			return o, nil
		case '[':
			a := []any{}
			for d.More() {
				v, err := decodeJSONValue(d, depth+1)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			if _, err := d.Token(); err != nil {
				return nil, err
			}
			return a, nil
		}
		return nil, jsonParseError("unexpected " + t.String())
	case json.Number:
		// Integers that fit in 64 bits stay exact, as on Step Functions.
		if _, err := strconv.ParseInt(string(t), 10, 64); err == nil {
			return t, nil
		}
		f, _ := toNumber(t)
		return f, nil
	}
	return tok, nil
}
