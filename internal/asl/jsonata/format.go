package jsonata

import (
	"math"
	"math/big"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// $formatNumber: XPath F&O fn:format-number.

type numberPicture struct {
	prefix, suffix              string
	integerPart, fractionalPart string
	mantissaPart                string
	exponentPart                string
	hasExponent                 bool
	activePart, subpicture      string
	integerGroupingPositions    []int
	regularGrouping             int
	minimumIntegerPartSize      int
	scalingFactor               int
	fractionalGroupingPositions []int
	minimumFactionalPartSize    int
	maximumFactionalPartSize    int
	minimumExponentSize         int
}

type numberFormatProps struct {
	decimalSeparator, groupingSeparator, exponentSeparator string
	minusSign, percent, perMille, zeroDigit, digit         string
	patternSeparator                                       string
}

func fnFormatNumber(c *evalCtx, _ any, _ *frame, args []any) (any, error) {
	if isUndefined(args[0]) {
		return undefined, nil
	}
	value := num(args[0])
	picture, _ := str(args[1])
	props := numberFormatProps{
		decimalSeparator: ".", groupingSeparator: ",", exponentSeparator: "e", minusSign: "-",
		percent: "%", perMille: "\u2030", zeroDigit: "0", digit: "#", patternSeparator: ";",
	}
	if opts := argAt(args, 2); isObject(opts) {
		for _, k := range objectKeys(opts) {
			v, _ := objectGet(opts, k)
			s, ok := v.(string)
			if !ok {
				continue
			}
			switch k {
			case "decimal-separator":
				props.decimalSeparator = s
			case "grouping-separator":
				props.groupingSeparator = s
			case "exponent-separator":
				props.exponentSeparator = s
			case "minus-sign":
				props.minusSign = s
			case "percent":
				props.percent = s
			case "per-mille":
				props.perMille = s
			case "zero-digit":
				props.zeroDigit = s
			case "digit":
				props.digit = s
			case "pattern-separator":
				props.patternSeparator = s
			}
		}
	}
	out, err := formatNumberPicture(value, picture, props)
	if err != nil {
		return nil, err
	}
	return out, c.charge(len(out))
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

func formatNumberPicture(value float64, picture string, p numberFormatProps) (string, error) {
	zero := firstRune(p.zeroDigit)
	var family []string
	for i := 0; i < 10; i++ {
		family = append(family, string(zero+rune(i)))
	}
	inFamily := func(ch string) bool {
		for _, d := range family {
			if d == ch {
				return true
			}
		}
		return false
	}
	active := append(append([]string{}, family...), p.decimalSeparator, p.exponentSeparator, p.groupingSeparator, p.digit, p.patternSeparator)
	isActive := func(ch string) bool {
		for _, a := range active {
			if a == ch {
				return true
			}
		}
		return false
	}
	subPictures := strings.Split(picture, p.patternSeparator)
	if len(subPictures) > 2 {
		return "", newError("D3080", -1)
	}
	chars := func(s string) []string {
		var out []string
		for _, r := range s {
			out = append(out, string(r))
		}
		return out
	}
	split := func(sub string) numberPicture {
		cs := chars(sub)
		prefix := ""
		found := false
		for i, ch := range cs {
			if isActive(ch) && ch != p.exponentSeparator {
				prefix = strings.Join(cs[:i], "")
				found = true
				break
			}
		}
		if !found {
			prefix = ""
		}
		suffix := ""
		found = false
		for i := len(cs) - 1; i >= 0; i-- {
			if isActive(cs[i]) && cs[i] != p.exponentSeparator {
				suffix = strings.Join(cs[i+1:], "")
				found = true
				break
			}
		}
		if !found {
			suffix = ""
		}
		activePart := ""
		if len(prefix)+len(suffix) <= len(sub) {
			activePart = sub[len(prefix) : len(sub)-len(suffix)]
		}
		np := numberPicture{prefix: prefix, suffix: suffix, activePart: activePart, subpicture: sub}
		exponentPosition := -1
		if len(prefix) <= len(sub) {
			if i := strings.Index(sub[len(prefix):], p.exponentSeparator); i >= 0 && p.exponentSeparator != "" {
				exponentPosition = len(prefix) + i
			}
		}
		if exponentPosition == -1 || exponentPosition > len(sub)-len(suffix) {
			np.mantissaPart = activePart
		} else {
			// As JSONata does, the position is taken relative to the active part.
			mp := exponentPosition
			if mp > len(activePart) {
				mp = len(activePart)
			}
			np.mantissaPart = activePart[:mp]
			if mp+len(p.exponentSeparator) <= len(activePart) {
				np.exponentPart = activePart[mp+len(p.exponentSeparator):]
			}
			np.hasExponent = true
		}
		if i := strings.Index(np.mantissaPart, p.decimalSeparator); i == -1 || p.decimalSeparator == "" {
			np.integerPart = np.mantissaPart
			np.fractionalPart = suffix
		} else {
			np.integerPart = np.mantissaPart[:i]
			np.fractionalPart = np.mantissaPart[i+len(p.decimalSeparator):]
		}
		return np
	}
	validate := func(np numberPicture) error {
		code := ""
		sub := np.subpicture
		decimalPos := strings.Index(sub, p.decimalSeparator)
		if decimalPos != strings.LastIndex(sub, p.decimalSeparator) {
			code = "D3081"
		}
		if strings.Index(sub, p.percent) != strings.LastIndex(sub, p.percent) {
			code = "D3082"
		}
		if strings.Index(sub, p.perMille) != strings.LastIndex(sub, p.perMille) {
			code = "D3083"
		}
		if strings.Contains(sub, p.percent) && strings.Contains(sub, p.perMille) {
			code = "D3084"
		}
		valid := false
		for _, ch := range chars(np.mantissaPart) {
			if inFamily(ch) || ch == p.digit {
				valid = true
				break
			}
		}
		if !valid {
			code = "D3085"
		}
		for _, ch := range chars(np.activePart) {
			if !isActive(ch) {
				code = "D3086"
				break
			}
		}
		if decimalPos != -1 {
			before := ""
			if decimalPos > 0 {
				r, _ := utf8.DecodeLastRuneInString(sub[:decimalPos])
				before = string(r)
			}
			after := ""
			if decimalPos+len(p.decimalSeparator) < len(sub) {
				after = string(firstRune(sub[decimalPos+len(p.decimalSeparator):]))
			}
			if before == p.groupingSeparator || after == p.groupingSeparator {
				code = "D3087"
			}
		} else if strings.HasSuffix(np.integerPart, p.groupingSeparator) && np.integerPart != "" {
			code = "D3088"
		}
		if strings.Contains(sub, p.groupingSeparator+p.groupingSeparator) {
			code = "D3089"
		}
		if i := strings.Index(np.integerPart, p.digit); i != -1 {
			for _, ch := range chars(np.integerPart[:i]) {
				if inFamily(ch) {
					code = "D3090"
					break
				}
			}
		}
		if i := strings.LastIndex(np.fractionalPart, p.digit); i != -1 {
			for _, ch := range chars(np.fractionalPart[i:]) {
				if inFamily(ch) {
					code = "D3091"
					break
				}
			}
		}
		if np.hasExponent && np.exponentPart != "" && (strings.Contains(sub, p.percent) || strings.Contains(sub, p.perMille)) {
			code = "D3092"
		}
		if np.hasExponent {
			bad := np.exponentPart == ""
			for _, ch := range chars(np.exponentPart) {
				if !inFamily(ch) {
					bad = true
				}
			}
			if bad {
				code = "D3093"
			}
		}
		if code != "" {
			return newError(code, -1)
		}
		return nil
	}
	countIn := func(s string, pred func(string) bool) int {
		n := 0
		for _, ch := range chars(s) {
			if pred(ch) {
				n++
			}
		}
		return n
	}
	isDigitChar := func(ch string) bool { return inFamily(ch) || ch == p.digit }
	analyse := func(np *numberPicture) {
		groupingPositions := func(part string, toLeft bool) []int {
			var positions []int
			pos := strings.Index(part, p.groupingSeparator)
			for pos != -1 && p.groupingSeparator != "" {
				var side string
				if toLeft {
					side = part[:pos]
				} else {
					side = part[pos:]
				}
				positions = append(positions, countIn(side, isDigitChar))
				next := strings.Index(np.integerPart[min(len(np.integerPart), pos+1):], p.groupingSeparator)
				if next == -1 || pos+1 > len(np.integerPart) {
					break
				}
				pos = pos + 1 + next
				if pos >= len(part) {
					break
				}
			}
			return positions
		}
		np.integerGroupingPositions = groupingPositions(np.integerPart, false)
		np.regularGrouping = regularGrouping(np.integerGroupingPositions)
		np.fractionalGroupingPositions = groupingPositions(np.fractionalPart, true)
		np.minimumIntegerPartSize = countIn(np.integerPart, inFamily)
		np.scalingFactor = np.minimumIntegerPartSize
		np.minimumFactionalPartSize = countIn(np.fractionalPart, inFamily)
		np.maximumFactionalPartSize = countIn(np.fractionalPart, isDigitChar)
		if np.minimumIntegerPartSize == 0 && np.maximumFactionalPartSize == 0 {
			if np.hasExponent {
				np.minimumFactionalPartSize = 1
				np.maximumFactionalPartSize = 1
			} else {
				np.minimumIntegerPartSize = 1
			}
		}
		if np.hasExponent && np.minimumIntegerPartSize == 0 && strings.Contains(np.integerPart, p.digit) {
			np.minimumIntegerPartSize = 1
		}
		if np.minimumIntegerPartSize == 0 && np.minimumFactionalPartSize == 0 {
			np.minimumFactionalPartSize = 1
		}
		if np.hasExponent {
			np.minimumExponentSize = countIn(np.exponentPart, inFamily)
		}
	}
	var pics []numberPicture
	for _, sub := range subPictures {
		np := split(sub)
		if err := validate(np); err != nil {
			return "", err
		}
		pics = append(pics, np)
	}
	for i := range pics {
		analyse(&pics[i])
	}
	if len(pics) == 1 {
		neg := pics[0]
		neg.prefix = p.minusSign + neg.prefix
		pics = append(pics, neg)
	}
	pic := pics[0]
	if value < 0 {
		pic = pics[1]
	}
	adjusted := value
	switch {
	case strings.Contains(pic.subpicture, p.percent):
		adjusted = value * 100
	case strings.Contains(pic.subpicture, p.perMille):
		adjusted = value * 1000
	}
	mantissa := adjusted
	exponent, hasExp := 0, false
	if pic.minimumExponentSize != 0 {
		hasExp = true
		maxMantissa := math.Pow(10, float64(pic.scalingFactor))
		minMantissa := math.Pow(10, float64(pic.scalingFactor-1))
		for i := 0; mantissa < minMantissa && i < 400 && mantissa != 0; i++ {
			mantissa *= 10
			exponent--
		}
		for i := 0; mantissa > maxMantissa && i < 400; i++ {
			mantissa /= 10
			exponent++
		}
	}
	rounded := roundHalfEven(mantissa, pic.maximumFactionalPartSize)
	makeString := func(v float64, dp int) string {
		s := strconv.FormatFloat(math.Abs(v), 'f', dp, 64)
		if math.Abs(v) >= 1e21 {
			s = formatNumber(math.Abs(v))
		}
		if zero != '0' {
			var b strings.Builder
			for _, r := range s {
				if r >= '0' && r <= '9' {
					b.WriteRune(zero + (r - '0'))
				} else {
					b.WriteRune(r)
				}
			}
			s = b.String()
		}
		return s
	}
	sv := makeString(rounded, pic.maximumFactionalPartSize)
	if i := strings.IndexByte(sv, '.'); i == -1 {
		sv += p.decimalSeparator
	} else {
		sv = sv[:i] + p.decimalSeparator + sv[i+1:]
	}
	zs := string(zero)
	for strings.HasPrefix(sv, zs) {
		sv = sv[len(zs):]
	}
	for strings.HasSuffix(sv, zs) {
		sv = sv[:len(sv)-len(zs)]
	}
	runes := []rune(sv)
	dsr := []rune(p.decimalSeparator)
	indexRunes := func(rs []rune, sub []rune) int {
		for i := 0; i+len(sub) <= len(rs); i++ {
			match := true
			for j := range sub {
				if rs[i+j] != sub[j] {
					match = false
					break
				}
			}
			if match {
				return i
			}
		}
		return -1
	}
	decimalPos := indexRunes(runes, dsr)
	padLeft := pic.minimumIntegerPartSize - decimalPos
	padRight := pic.minimumFactionalPartSize - (len(runes) - decimalPos - 1)
	if padLeft > 0 {
		runes = append([]rune(strings.Repeat(zs, padLeft)), runes...)
	}
	if padRight > 0 {
		runes = append(runes, []rune(strings.Repeat(zs, padRight))...)
	}
	decimalPos = indexRunes(runes, dsr)
	gs := []rune(p.groupingSeparator)
	insert := func(rs []rune, at int, ins []rune) []rune {
		if at < 0 {
			at = 0
		}
		if at > len(rs) {
			at = len(rs)
		}
		out := make([]rune, 0, len(rs)+len(ins))
		out = append(out, rs[:at]...)
		out = append(out, ins...)
		return append(out, rs[at:]...)
	}
	if pic.regularGrouping > 0 {
		groupCount := (decimalPos - 1) / pic.regularGrouping
		for group := 1; group <= groupCount; group++ {
			runes = insert(runes, decimalPos-group*pic.regularGrouping, gs)
		}
	} else {
		for _, pos := range pic.integerGroupingPositions {
			runes = insert(runes, decimalPos-pos, gs)
			decimalPos++
		}
	}
	decimalPos = indexRunes(runes, dsr)
	for _, pos := range pic.fractionalGroupingPositions {
		runes = insert(runes, pos+decimalPos+1, gs)
	}
	decimalPos = indexRunes(runes, dsr)
	if !strings.Contains(pic.subpicture, p.decimalSeparator) || decimalPos == len(runes)-1 {
		if len(runes) > 0 {
			runes = runes[:len(runes)-1]
		}
	}
	out := string(runes)
	if hasExp {
		se := makeString(float64(exponent), 0)
		if pl := pic.minimumExponentSize - utf8.RuneCountInString(se); pl > 0 {
			se = strings.Repeat(zs, pl) + se
		}
		sign := ""
		if exponent < 0 {
			sign = p.minusSign
		}
		out += p.exponentSeparator + sign + se
	}
	return pic.prefix + out + pic.suffix, nil
}

// regularGrouping returns the interval of regularly spaced grouping
// separators, or 0.
func regularGrouping(positions []int) int {
	if len(positions) == 0 {
		return 0
	}
	gcd := func(a, b int) int {
		for b != 0 {
			a, b = b, a%b
		}
		return a
	}
	factor := positions[0]
	for _, p := range positions[1:] {
		factor = gcd(factor, p)
	}
	if factor == 0 {
		return 0
	}
	for i := 1; i <= len(positions); i++ {
		found := false
		for _, p := range positions {
			if p == i*factor {
				found = true
				break
			}
		}
		if !found {
			return 0
		}
	}
	return factor
}

func fnFormatBase(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	if isUndefined(args[0]) {
		return undefined, nil
	}
	value := roundHalfEven(num(args[0]), 0)
	radix := 10.0
	if r, ok := toNumber(argAt(args, 1)); ok {
		radix = roundHalfEven(r, 0)
	}
	if radix < 2 || radix > 36 {
		return nil, newError("D3100", -1).withValue(radix)
	}
	if math.IsInf(value, 0) || math.IsNaN(value) {
		return formatNumber(value), nil
	}
	if math.Abs(value) < 1<<62 {
		return strconv.FormatInt(int64(value), int(radix)), nil
	}
	bf := new(big.Float).SetFloat64(value)
	bi, _ := bf.Int(nil)
	return bi.Text(int(radix)), nil
}

// Integer pictures (XPath fn:format-integer), shared with date/time
// formatting.

type intFormatKind uint8

const (
	fmtDecimal intFormatKind = iota
	fmtLetters
	fmtRoman
	fmtWords
	fmtSequence
)

type letterCase uint8

const (
	caseLower letterCase = iota
	caseUpper
	caseTitle
)

type groupingSep struct {
	position  int
	character string
}

type integerFormat struct {
	primary         intFormatKind
	lettersCase     letterCase
	ordinal         bool
	zeroCode        rune
	mandatoryDigits int
	optionalDigits  int
	regular         bool
	regularSep      groupingSep
	separators      []groupingSep
	token           string
	n               int // year width for parsing
}

var decimalGroups = []rune{0x30, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10}

func analyseIntegerPicture(picture string) (*integerFormat, error) {
	f := &integerFormat{primary: fmtDecimal, lettersCase: caseLower}
	primary := picture
	if semi := strings.LastIndex(picture, ";"); semi != -1 {
		primary = picture[:semi]
		if modifier := picture[semi+1:]; strings.HasPrefix(modifier, "o") {
			f.ordinal = true
		}
	}
	switch primary {
	case "A":
		f.lettersCase = caseUpper
		f.primary = fmtLetters
	case "a":
		f.primary = fmtLetters
	case "I":
		f.lettersCase = caseUpper
		f.primary = fmtRoman
	case "i":
		f.primary = fmtRoman
	case "W":
		f.lettersCase = caseUpper
		f.primary = fmtWords
	case "Ww":
		f.lettersCase = caseTitle
		f.primary = fmtWords
	case "w":
		f.primary = fmtWords
	default:
		zeroCode := rune(-1)
		mandatory, optional, sepPos := 0, 0, 0
		var seps []groupingSep
		rs := []rune(primary)
		for i := len(rs) - 1; i >= 0; i-- {
			cp := rs[i]
			digit := false
			for _, g := range decimalGroups {
				if cp >= g && cp <= g+9 {
					digit = true
					mandatory++
					sepPos++
					if zeroCode == -1 {
						zeroCode = g
					} else if g != zeroCode {
						return nil, newError("D3131", -1)
					}
					break
				}
			}
			if !digit {
				if cp == '#' {
					sepPos++
					optional++
				} else {
					seps = append(seps, groupingSep{position: sepPos, character: string(cp)})
				}
			}
		}
		if mandatory > 0 {
			f.primary = fmtDecimal
			f.zeroCode = zeroCode
			f.mandatoryDigits = mandatory
			f.optionalDigits = optional
			if r := regularRepeat(seps); r > 0 {
				f.regular = true
				f.regularSep = groupingSep{position: r, character: seps[0].character}
			} else {
				f.separators = seps
			}
		} else {
			f.primary = fmtSequence
			f.token = primary
		}
	}
	return f, nil
}

func regularRepeat(seps []groupingSep) int {
	if len(seps) == 0 {
		return 0
	}
	for _, s := range seps[1:] {
		if s.character != seps[0].character {
			return 0
		}
	}
	positions := make([]int, len(seps))
	for i, s := range seps {
		positions[i] = s.position
	}
	return regularGrouping(positions)
}

var (
	fewWords      = []string{"Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve", "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen"}
	ordinalWords  = []string{"Zeroth", "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth", "Eleventh", "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth", "Seventeenth", "Eighteenth", "Nineteenth"}
	decadeWords   = []string{"Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety", "Hundred"}
	magnitudeWord = []string{"Thousand", "Million", "Billion", "Trillion"}
)

func numberToWords(value float64, ordinal bool) string {
	var lookup func(num float64, prev, ord bool) string
	lookup = func(num float64, prev, ord bool) string {
		words := ""
		switch {
		case num <= 19:
			if prev {
				words = " and "
			}
			if ord {
				words += ordinalWords[int(num)]
			} else {
				words += fewWords[int(num)]
			}
		case num < 100:
			tens := int(num / 10)
			rem := math.Mod(num, 10)
			if prev {
				words = " and "
			}
			words += decadeWords[tens-2]
			if rem > 0 {
				words += "-" + lookup(rem, false, ord)
			} else if ord {
				words = words[:len(words)-1] + "ieth"
			}
		case num < 1000:
			hundreds := int(num / 100)
			rem := math.Mod(num, 100)
			if prev {
				words = ", "
			}
			words += fewWords[hundreds] + " Hundred"
			if rem > 0 {
				words += lookup(rem, true, ord)
			} else if ord {
				words += "th"
			}
		default:
			mag := int(math.Floor(math.Log10(num) / 3))
			if mag > len(magnitudeWord) {
				mag = len(magnitudeWord)
			}
			factor := math.Pow(10, float64(mag*3))
			mant := math.Floor(num / factor)
			rem := num - mant*factor
			if prev {
				words = ", "
			}
			words += lookup(mant, false, false) + " " + magnitudeWord[mag-1]
			if rem > 0 {
				words += lookup(rem, true, ord)
			} else if ord {
				words += "th"
			}
		}
		return words
	}
	return lookup(value, false, ordinal)
}

var wordValues = func() map[string]float64 {
	m := map[string]float64{}
	for i, w := range fewWords {
		m[strings.ToLower(w)] = float64(i)
	}
	for i, w := range ordinalWords {
		m[strings.ToLower(w)] = float64(i)
	}
	for i, w := range decadeWords {
		lw := strings.ToLower(w)
		m[lw] = float64((i + 2) * 10)
		m[lw[:len(lw)-1]+"ieth"] = m[lw]
	}
	m["hundredth"] = 100
	for i, w := range magnitudeWord {
		lw := strings.ToLower(w)
		v := math.Pow(10, float64((i+1)*3))
		m[lw] = v
		m[lw+"th"] = v
	}
	return m
}()

func wordsToNumber(text string) float64 {
	parts := wordSplitRE.Split(text, -1)
	segs := []float64{0}
	for _, part := range parts {
		value, ok := wordValues[part]
		if !ok {
			value = math.NaN()
		}
		if value < 100 || math.IsNaN(value) {
			top := segs[len(segs)-1]
			segs = segs[:len(segs)-1]
			if top >= 1000 {
				segs = append(segs, top)
				top = 0
			}
			segs = append(segs, top+value)
		} else {
			top := segs[len(segs)-1]
			segs[len(segs)-1] = top * value
		}
	}
	total := 0.0
	for _, s := range segs {
		total += s
	}
	return total
}

var romanNumerals = []struct {
	value   float64
	numeral string
}{{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"}, {50, "l"}, {40, "xl"}, {10, "x"}, {9, "ix"}, {5, "v"}, {4, "iv"}, {1, "i"}}

func decimalToRoman(value float64) string {
	var b strings.Builder
	for value > 0 && b.Len() < 100000 {
		for _, rn := range romanNumerals {
			if value >= rn.value {
				b.WriteString(rn.numeral)
				value -= rn.value
				break
			}
		}
	}
	return b.String()
}

var romanValues = map[byte]float64{'M': 1000, 'D': 500, 'C': 100, 'L': 50, 'X': 10, 'V': 5, 'I': 1}

func romanToDecimal(roman string) float64 {
	decimal, max := 0.0, 1.0
	for i := len(roman) - 1; i >= 0; i-- {
		v := romanValues[roman[i]]
		if v < max {
			decimal -= v
		} else {
			max = v
			decimal += v
		}
	}
	return decimal
}

func decimalToLetters(value float64, aChar rune) string {
	var letters []rune
	for value > 0 && len(letters) < 1000 {
		letters = append([]rune{rune(math.Mod(value-1, 26)) + aChar}, letters...)
		value = math.Floor((value - 1) / 26)
	}
	return string(letters)
}

func lettersToDecimal(letters string, aChar rune) float64 {
	decimal := 0.0
	rs := []rune(letters)
	for i := range rs {
		decimal += float64(rs[len(rs)-i-1]-aChar+1) * math.Pow(26, float64(i))
	}
	return decimal
}

func formatIntegerWith(value float64, f *integerFormat) (string, error) {
	negative := value < 0
	value = math.Abs(value)
	var out string
	switch f.primary {
	case fmtLetters:
		a := 'a'
		if f.lettersCase == caseUpper {
			a = 'A'
		}
		out = decimalToLetters(value, a)
	case fmtRoman:
		out = decimalToRoman(value)
		if f.lettersCase == caseUpper {
			out = strings.ToUpper(out)
		}
	case fmtWords:
		out = numberToWords(value, f.ordinal)
		switch f.lettersCase {
		case caseUpper:
			out = strings.ToUpper(out)
		case caseLower:
			out = strings.ToLower(out)
		}
	case fmtDecimal:
		out = formatNumber(value)
		if pad := f.mandatoryDigits - len(out); pad > 0 {
			out = strings.Repeat("0", pad) + out
		}
		if f.zeroCode != '0' {
			rs := []rune(out)
			for i, r := range rs {
				if r >= '0' && r <= '9' {
					rs[i] = r + f.zeroCode - '0'
				}
			}
			out = string(rs)
		}
		if f.regular {
			rs := []rune(out)
			n := (len(rs) - 1) / f.regularSep.position
			for ii := n; ii > 0; ii-- {
				pos := len(rs) - ii*f.regularSep.position
				rs = append(rs[:pos], append([]rune(f.regularSep.character), rs[pos:]...)...)
			}
			out = string(rs)
		} else {
			for i := len(f.separators) - 1; i >= 0; i-- {
				sep := f.separators[i]
				rs := []rune(out)
				pos := len(rs) - sep.position
				if pos < 0 {
					pos = 0
				}
				out = string(rs[:pos]) + sep.character + string(rs[pos:])
			}
		}
		if f.ordinal {
			suffix := map[byte]string{'1': "st", '2': "nd", '3': "rd"}[out[len(out)-1]]
			if suffix == "" || (len(out) > 1 && out[len(out)-2] == '1') {
				suffix = "th"
			}
			out += suffix
		}
	case fmtSequence:
		return "", newError("D3130", -1).withValue(f.token)
	}
	if negative {
		out = "-" + out
	}
	return out, nil
}

func fnFormatInteger(c *evalCtx, _ any, _ *frame, args []any) (any, error) {
	if isUndefined(args[0]) {
		return undefined, nil
	}
	value := math.Floor(num(args[0]))
	picture, _ := str(args[1])
	f, err := analyseIntegerPicture(picture)
	if err != nil {
		return nil, err
	}
	out, err := formatIntegerWith(value, f)
	if err != nil {
		return nil, err
	}
	return out, c.charge(len(out))
}

func fnParseInteger(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	s, ok := str(args[0])
	if !ok {
		return undefined, nil
	}
	picture, _ := str(args[1])
	f, err := analyseIntegerPicture(picture)
	if err != nil {
		return nil, err
	}
	m, err := integerMatcher(f)
	if err != nil {
		return nil, err
	}
	return m.parse(s), nil
}

// intMatcher parses an integer written with a picture.
type intMatcher struct {
	regex string
	parse func(string) any
}

func integerMatcher(f *integerFormat) (*intMatcher, error) {
	isUpper := f.lettersCase == caseUpper
	occurrences := "+"
	if f.n > 0 {
		occurrences = "{" + strconv.Itoa(f.n) + "}"
	}
	switch f.primary {
	case fmtLetters:
		m := &intMatcher{regex: "[a-z]+"}
		a := 'a'
		if isUpper {
			m.regex, a = "[A-Z]+", 'A'
		}
		m.parse = func(v string) any { return lettersToDecimal(v, a) }
		return m, nil
	case fmtRoman:
		m := &intMatcher{regex: "[mdclxvi]+"}
		if isUpper {
			m.regex = "[MDCLXVI]+"
		}
		m.parse = func(v string) any {
			if !isUpper {
				v = strings.ToUpper(v)
			}
			return romanToDecimal(v)
		}
		return m, nil
	case fmtWords:
		words := make([]string, 0, len(wordValues))
		for w := range wordValues {
			words = append(words, w)
		}
		sort.Strings(words)
		return &intMatcher{
			regex: "(?:" + strings.Join(append(words, "and", `[\-, ]`), "|") + ")+",
			parse: func(v string) any { return wordsToNumber(strings.ToLower(v)) },
		}, nil
	case fmtDecimal:
		m := &intMatcher{regex: "[0-9]" + occurrences}
		if f.ordinal {
			m.regex += "(?:th|st|nd|rd)"
		}
		m.parse = func(v string) any {
			digits := v
			if f.ordinal && len(digits) >= 2 {
				digits = digits[:len(digits)-2]
			}
			if f.regular {
				digits = strings.ReplaceAll(digits, ",", "")
			} else {
				for _, sep := range f.separators {
					digits = strings.ReplaceAll(digits, sep.character, "")
				}
			}
			if f.zeroCode != '0' {
				rs := []rune(digits)
				for i, r := range rs {
					rs[i] = r - f.zeroCode + '0'
				}
				digits = string(rs)
			}
			return parseIntPrefix(digits)
		}
		return m, nil
	}
	return nil, newError("D3130", -1).withValue(f.token)
}

// parseIntPrefix is JavaScript's parseInt(s): the leading integer, or NaN.
func parseIntPrefix(s string) any {
	s = strings.TrimLeft(s, " \t\n\r")
	end := 0
	if end < len(s) && (s[end] == '-' || s[end] == '+') {
		end++
	}
	start := end
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	if end == start {
		return math.NaN()
	}
	f, err := strconv.ParseFloat(s[:end], 64)
	if err != nil {
		return math.NaN()
	}
	return f
}

var wordSplitRE = regexp.MustCompile(`,\s|\sand\s|[\s\\-]`)
