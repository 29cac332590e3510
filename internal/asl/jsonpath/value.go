package jsonpath

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

func itoa(n int) string { return strconv.Itoa(n) }

// isNumberText reports whether s is a JSON number.
func isNumberText(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == start {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		start = i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == start {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		start = i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == start {
			return false
		}
	}
	return i == len(s)
}

func isIntegerText(s string) bool {
	if s == "" || s == "-" {
		return false
	}
	if s[0] == '-' {
		s = s[1:]
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// compareNumbers compares two JSON number texts. Integers compare exactly;
// other numbers compare as float64. ok is false when either is not a number.
func compareNumbers(a, b string) (int, bool) {
	if isIntegerText(a) && isIntegerText(b) {
		x, errX := strconv.ParseInt(a, 10, 64)
		y, errY := strconv.ParseInt(b, 10, 64)
		if errX == nil && errY == nil {
			switch {
			case x < y:
				return -1, true
			case x > y:
				return 1, true
			}
			return 0, true
		}
		var bx, by big.Int
		if _, ok := bx.SetString(a, 10); !ok {
			return 0, false
		}
		if _, ok := by.SetString(b, 10); !ok {
			return 0, false
		}
		return bx.Cmp(&by), true
	}
	if !isNumberText(a) || !isNumberText(b) {
		return 0, false
	}
	x, _ := strconv.ParseFloat(a, 64) // out of range yields ±Inf, still comparable
	y, _ := strconv.ParseFloat(b, 64)
	switch {
	case x < y:
		return -1, true
	case x > y:
		return 1, true
	}
	return 0, true
}

// intValue converts a number to an int64 by truncation, as Java's
// Number.intValue does for in-range values.
func intValue(n json.Number) (int64, bool) {
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return i, true
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsNaN(f) || f > math.MaxInt64 || f < math.MinInt64 {
		return 0, false
	}
	return int64(f), true
}

// javaDouble formats f as Java's Double.toString does ("2.0", "1.0E10").
// ok is false for NaN and infinities, which JSON cannot carry.
func javaDouble(f float64) (string, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", false
	}
	if f == 0 {
		if math.Signbit(f) {
			return "-0.0", true
		}
		return "0.0", true
	}
	abs := math.Abs(f)
	if abs >= 1e-3 && abs < 1e7 {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s, true
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX
	mant, exp, _ := strings.Cut(s, "e")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	e, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(e), true
}

// javaClass names the Java class json-smart would use for v, for Jayway's
// error messages.
func javaClass(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return "java.lang.String"
	case bool:
		return "java.lang.Boolean"
	case json.Number:
		s := string(x)
		if isIntegerText(s) {
			n, err := strconv.ParseInt(s, 10, 64)
			switch {
			case err != nil:
				return "java.math.BigInteger"
			case n >= math.MinInt32 && n <= math.MaxInt32:
				return "java.lang.Integer"
			}
			return "java.lang.Long"
		}
		return "java.lang.Double"
	case []any:
		return "net.minidev.json.JSONArray"
	case map[string]any:
		return "net.minidev.json.JSONObject"
	}
	return fmt.Sprintf("%T", v)
}

// javaString renders v as Java's toString would for a json-smart value:
// containers as compact JSON, strings raw.
func javaString(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return x
	case bool:
		if x {
			return "true"
		}
		return "false"
	case json.Number:
		return string(x)
	}
	return compactJSON(v)
}

// compactJSON renders v as compact JSON with sorted object keys.
func compactJSON(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}
