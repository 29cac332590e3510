package jsonata

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Date and time functions: XPath F&O fn:format-dateTime pictures, as
// JSONata implements them. The clock is the evaluation's Now (the time
// the interpreter gives), never the machine's.

const millisInADay = 1000 * 60 * 60 * 24

var (
	dayNames   = []string{"", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
	monthNames = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
)

var defaultPresentation = map[byte]string{
	'Y': "1", 'M': "1", 'D': "1", 'd': "1", 'F': "n", 'W': "1", 'w': "1", 'X': "1", 'x': "1", 'H': "1", 'h': "1",
	'P': "n", 'm': "01", 's': "01", 'f': "1", 'Z': "01:01", 'z': "01:01", 'C': "n", 'E': "n",
}

type dtWidth struct {
	min, max       int
	hasMin, hasMax bool
}

type dtPart struct {
	literal       bool
	value         string
	component     byte
	width         *dtWidth
	presentation1 string
	presentation2 string
	ordinal       bool
	names         letterCase
	hasNames      bool
	integerFormat *integerFormat
	n             int
}

func analyseDateTimePicture(picture string) ([]dtPart, error) {
	var spec []dtPart
	addLiteral := func(start, end int) {
		if end > start {
			lit := strings.ReplaceAll(picture[start:end], "]]", "]")
			spec = append(spec, dtPart{literal: true, value: lit})
		}
	}
	start, pos := 0, 0
	for pos < len(picture) {
		if picture[pos] == '[' {
			if pos+1 < len(picture) && picture[pos+1] == '[' {
				addLiteral(start, pos)
				spec = append(spec, dtPart{literal: true, value: "["})
				pos += 2
				start = pos
				continue
			}
			addLiteral(start, pos)
			start = pos
			end := strings.IndexByte(picture[start:], ']')
			if end == -1 {
				return nil, newError("D3135", -1)
			}
			pos = start + end
			marker := strings.Join(strings.Fields(picture[start+1:pos]), "")
			def := dtPart{}
			if marker != "" {
				def.component = marker[0]
			}
			var presMod string
			if comma := strings.LastIndex(marker, ","); comma != -1 {
				widthMod := marker[comma+1:]
				w := &dtWidth{}
				minS, maxS, hasDash := strings.Cut(widthMod, "-")
				parseW := func(s string) (int, bool) {
					if s == "" || s == "*" {
						return 0, false
					}
					v := parseIntPrefix(s)
					f, ok := v.(float64)
					if !ok || math.IsNaN(f) {
						return 0, false
					}
					return int(math.Min(f, 1000)), true
				}
				w.min, w.hasMin = parseW(minS)
				if hasDash {
					w.max, w.hasMax = parseW(maxS)
				}
				def.width = w
				if comma >= 1 {
					presMod = marker[1:comma]
				} else {
					presMod = marker[:1] // JavaScript's substring(1, 0)
				}
			} else if len(marker) > 0 {
				presMod = marker[1:]
			}
			switch {
			case len(presMod) == 1:
				def.presentation1 = presMod
			case len(presMod) > 1:
				last := presMod[len(presMod)-1]
				if strings.IndexByte("atco", last) != -1 {
					def.presentation2 = string(last)
					if last == 'o' {
						def.ordinal = true
					}
					def.presentation1 = presMod[:len(presMod)-1]
				} else {
					def.presentation1 = presMod
				}
			default:
				p, ok := defaultPresentation[def.component]
				if !ok {
					return nil, newError("D3132", -1).withValue(componentName(def.component))
				}
				def.presentation1 = p
			}
			if def.presentation1 == "" {
				return nil, newError("D3132", -1).withValue(componentName(def.component))
			}
			switch {
			case def.presentation1[0] == 'n':
				def.names, def.hasNames = caseLower, true
			case def.presentation1[0] == 'N':
				def.hasNames = true
				if len(def.presentation1) > 1 && def.presentation1[1] == 'n' {
					def.names = caseTitle
				} else {
					def.names = caseUpper
				}
			case strings.IndexByte("YMDdFWwXxHhmsf", def.component) != -1:
				pattern := def.presentation1
				if def.presentation2 != "" {
					pattern += ";" + def.presentation2
				}
				f, err := analyseIntegerPicture(pattern)
				if err != nil {
					return nil, err
				}
				def.integerFormat = f
				if def.width != nil && def.width.hasMin && f.mandatoryDigits < def.width.min {
					f.mandatoryDigits = def.width.min
				}
				if def.component == 'Y' {
					def.n = -1
					if def.width != nil && def.width.hasMax {
						def.n = def.width.max
						f.mandatoryDigits = def.n
					} else if w := f.mandatoryDigits + f.optionalDigits; w >= 2 {
						def.n = w
					}
				}
			}
			if def.component == 'Z' || def.component == 'z' {
				f, err := analyseIntegerPicture(def.presentation1)
				if err != nil {
					return nil, err
				}
				def.integerFormat = f
			}
			spec = append(spec, def)
			start = pos + 1
		}
		pos++
	}
	addLiteral(start, pos)
	return spec, nil
}

func componentName(c byte) string {
	if c == 0 {
		return ""
	}
	return string(c)
}

func utcMillis(year, month, day int) int64 {
	return time.Date(year, time.Month(month+1), day, 0, 0, 0, 0, time.UTC).UnixMilli()
}

// startOfFirstWeek is the start of ISO week 1 of a year (or of a month).
func startOfFirstWeek(year, month int) int64 {
	jan1 := utcMillis(year, month, 1)
	day := int(time.UnixMilli(jan1).UTC().Weekday())
	if day == 0 {
		day = 7
	}
	if day > 4 {
		return jan1 + int64(8-day)*millisInADay
	}
	return jan1 - int64(day-1)*millisInADay
}

func deltaWeeks(start, end int64) float64 {
	return float64(end-start)/float64(millisInADay*7) + 1
}

func nextMonth(y, m int) (int, int) {
	if m == 11 {
		return y + 1, 0
	}
	return y, m + 1
}

func prevMonth(y, m int) (int, int) {
	if m == 0 {
		return y - 1, 11
	}
	return y, m - 1
}

// dateFragment returns a component of t (a UTC time).
func dateFragment(t time.Time, component byte) any {
	switch component {
	case 'Y':
		return float64(t.Year())
	case 'M':
		return float64(t.Month())
	case 'D':
		return float64(t.Day())
	case 'd':
		today := utcMillis(t.Year(), int(t.Month())-1, t.Day())
		first := utcMillis(t.Year(), 0, 1)
		return float64((today-first)/millisInADay + 1)
	case 'F':
		d := int(t.Weekday())
		if d == 0 {
			d = 7
		}
		return float64(d)
	case 'W':
		y := t.Year()
		start1 := startOfFirstWeek(y, 0)
		today := utcMillis(y, int(t.Month())-1, t.Day())
		week := deltaWeeks(start1, today)
		if week > 52 {
			if today >= startOfFirstWeek(y+1, 0) {
				week = 1
			}
		} else if week < 1 {
			week = deltaWeeks(startOfFirstWeek(y-1, 0), today)
		}
		return math.Floor(week)
	case 'w':
		y, m := t.Year(), int(t.Month())-1
		start1 := startOfFirstWeek(y, m)
		today := utcMillis(y, m, t.Day())
		week := deltaWeeks(start1, today)
		if week > 4 {
			ny, nm := nextMonth(y, m)
			if today >= startOfFirstWeek(ny, nm) {
				week = 1
			}
		} else if week < 1 {
			py, pm := prevMonth(y, m)
			week = deltaWeeks(startOfFirstWeek(py, pm), today)
		}
		return math.Floor(week)
	case 'X':
		y := t.Year()
		now := t.UnixMilli()
		switch {
		case now < startOfFirstWeek(y, 0):
			return float64(y - 1)
		case now >= startOfFirstWeek(y+1, 0):
			return float64(y + 1)
		}
		return float64(y)
	case 'x':
		y, m := t.Year(), int(t.Month())-1
		now := t.UnixMilli()
		ny, nm := nextMonth(y, m)
		switch {
		case now < startOfFirstWeek(y, m):
			_, pm := prevMonth(y, m)
			return float64(pm + 1)
		case now >= startOfFirstWeek(ny, nm):
			return float64(nm + 1)
		}
		return float64(m + 1)
	case 'H':
		return float64(t.Hour())
	case 'h':
		h := t.Hour() % 12
		if h == 0 {
			h = 12
		}
		return float64(h)
	case 'P':
		if t.Hour() >= 12 {
			return "pm"
		}
		return "am"
	case 'm':
		return float64(t.Minute())
	case 's':
		return float64(t.Second())
	case 'f':
		return float64(t.Nanosecond() / 1e6)
	case 'C', 'E':
		return "ISO"
	}
	return undefined
}

var iso8601Picture = "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]"

// formatDateTime formats millis with a picture (ISO 8601 by default) in a
// timezone given as "±HHMM".
func formatDateTime(millis float64, picture string, hasPicture bool, timezone string, hasTZ bool) (string, error) {
	offsetHours, offsetMinutes := 0, 0
	if hasTZ {
		v := parseIntPrefix(timezone)
		if f, ok := v.(float64); ok && !math.IsNaN(f) {
			offset := int(f)
			offsetHours = int(math.Floor(float64(offset) / 100))
			offsetMinutes = offset % 100
		}
	}
	if !hasPicture {
		picture = iso8601Picture
	}
	spec, err := analyseDateTimePicture(picture)
	if err != nil {
		return "", err
	}
	if math.IsNaN(millis) || math.IsInf(millis, 0) || math.Abs(millis) > 8.64e15 {
		return "", newError("D3110", -1).withValue(millis)
	}
	offsetMillis := int64(60*offsetHours+offsetMinutes) * 60 * 1000
	t := time.UnixMilli(int64(millis) + offsetMillis).UTC()
	var b strings.Builder
	for i := range spec {
		part := &spec[i]
		if part.literal {
			b.WriteString(part.value)
			continue
		}
		s, err := formatDateComponent(t, part, offsetHours, offsetMinutes)
		if err != nil {
			return "", err
		}
		b.WriteString(s)
	}
	return b.String(), nil
}

func formatDateComponent(t time.Time, part *dtPart, offsetHours, offsetMinutes int) (string, error) {
	value := dateFragment(t, part.component)
	switch {
	case strings.IndexByte("YMDdFWwXxHhms", part.component) != -1:
		f, _ := value.(float64)
		if part.component == 'Y' && part.n != -1 && part.n > 0 {
			f = math.Mod(f, math.Pow(10, float64(part.n)))
		}
		if part.hasNames {
			var name string
			switch part.component {
			case 'M', 'x':
				if i := int(f) - 1; i >= 0 && i < len(monthNames) {
					name = monthNames[i]
				}
			case 'F':
				if i := int(f); i >= 0 && i < len(dayNames) {
					name = dayNames[i]
				}
			default:
				return "", newError("D3133", -1).withValue(string(part.component))
			}
			switch part.names {
			case caseUpper:
				name = strings.ToUpper(name)
			case caseLower:
				name = strings.ToLower(name)
			}
			if part.width != nil && part.width.hasMax && len(name) > part.width.max {
				name = name[:part.width.max]
			}
			return name, nil
		}
		if part.integerFormat == nil {
			return formatNumber(f), nil
		}
		return formatIntegerWith(f, part.integerFormat)
	case part.component == 'f':
		f, _ := value.(float64)
		if part.integerFormat == nil {
			return formatNumber(f), nil
		}
		return formatIntegerWith(f, part.integerFormat)
	case part.component == 'Z' || part.component == 'z':
		offset := offsetHours*100 + offsetMinutes
		var s string
		var err error
		if part.integerFormat.regular {
			s, err = formatIntegerWith(float64(offset), part.integerFormat)
		} else {
			switch n := part.integerFormat.mandatoryDigits; n {
			case 1, 2:
				s, err = formatIntegerWith(float64(offsetHours), part.integerFormat)
				if offsetMinutes != 0 {
					s += ":" + leftPad(strconv.Itoa(offsetMinutes), 2)
				}
			case 3, 4:
				s, err = formatIntegerWith(float64(offset), part.integerFormat)
			default:
				return "", newError("D3134", -1).withValue(float64(n))
			}
		}
		if err != nil {
			return "", err
		}
		if offset >= 0 {
			s = "+" + s
		}
		if part.component == 'z' {
			s = "GMT" + s
		}
		if offset == 0 && part.presentation2 == "t" {
			s = "Z"
		}
		return s, nil
	}
	switch v := value.(type) {
	case string:
		if part.hasNames {
			switch part.names {
			case caseUpper:
				return strings.ToUpper(v), nil
			case caseLower:
				return strings.ToLower(v), nil
			}
		}
		return v, nil
	case float64:
		return formatNumber(v), nil
	}
	return "", nil
}

func leftPad(s string, n int) string {
	for len(s) < n {
		s = "0" + s
	}
	return s
}

// dtMatcher parses one part of a date/time picture.
type dtMatcher struct {
	regex     string
	component byte
	parse     func(string) any
}

func dateTimeMatchers(spec []dtPart) ([]dtMatcher, error) {
	var out []dtMatcher
	for i := range spec {
		part := &spec[i]
		var m dtMatcher
		switch {
		case part.literal:
			m.regex = regexp.QuoteMeta(part.value)
		case part.component == 'Z' || part.component == 'z':
			var sep *groupingSep
			if part.integerFormat.regular {
				sep = &part.integerFormat.regularSep
			}
			if part.component == 'z' {
				m.regex = "GMT"
			}
			m.regex += "[-+][0-9]+"
			if sep != nil {
				m.regex += regexp.QuoteMeta(sep.character) + "[0-9]+"
			}
			comp := part.component
			m.parse = func(v string) any {
				if comp == 'z' && len(v) >= 3 {
					v = v[3:]
				}
				hours, minutes := 0.0, 0.0
				if sep != nil {
					h, mm, _ := strings.Cut(v, sep.character)
					hours = numOr0(parseIntPrefix(h))
					minutes = numOr0(parseIntPrefix(mm))
				} else if len(v)-1 <= 2 {
					hours = numOr0(parseIntPrefix(v))
				} else {
					hours = numOr0(parseIntPrefix(v[:3]))
					minutes = numOr0(parseIntPrefix(v[3:]))
				}
				return hours*60 + minutes
			}
		case part.integerFormat != nil:
			part.integerFormat.n = part.n
			im, err := integerMatcher(part.integerFormat)
			if err != nil {
				return nil, err
			}
			m.regex, m.parse = im.regex, im.parse
		default:
			m.regex = "[a-zA-Z]+"
			lookup := map[string]float64{}
			switch part.component {
			case 'M', 'x':
				for i, name := range monthNames {
					if part.width != nil && part.width.hasMax && part.width.max < len(name) {
						name = name[:part.width.max]
					}
					lookup[name] = float64(i + 1)
				}
			case 'F':
				for i, name := range dayNames {
					if i == 0 {
						continue
					}
					if part.width != nil && part.width.hasMax && part.width.max < len(name) {
						name = name[:part.width.max]
					}
					lookup[name] = float64(i)
				}
			case 'P':
				lookup = map[string]float64{"am": 0, "AM": 0, "pm": 1, "PM": 1}
			default:
				return nil, newError("D3133", -1).withValue(string(part.component))
			}
			m.parse = func(v string) any {
				if f, ok := lookup[v]; ok {
					return f
				}
				return undefined
			}
		}
		m.component = part.component
		out = append(out, m)
	}
	return out, nil
}

func numOr0(v any) float64 {
	f, ok := v.(float64)
	if !ok || math.IsNaN(f) {
		return 0
	}
	return f
}

// parseDateTime parses a timestamp written with a picture into millis.
func (c *evalCtx) parseDateTime(timestamp, picture string) (any, error) {
	spec, err := analyseDateTimePicture(picture)
	if err != nil {
		return nil, err
	}
	matchers, err := dateTimeMatchers(spec)
	if err != nil {
		return nil, err
	}
	var full strings.Builder
	full.WriteString("(?i)^")
	for _, m := range matchers {
		full.WriteString("(" + m.regex + ")")
	}
	full.WriteString("$")
	re, err := regexp.Compile(full.String())
	if err != nil {
		return undefined, nil
	}
	info := re.FindStringSubmatch(timestamp)
	if info == nil {
		return undefined, nil
	}
	components := map[byte]any{}
	for i := 1; i < len(info); i++ {
		m := matchers[i-1]
		if m.parse != nil {
			components[m.component] = m.parse(info[i])
		}
	}
	if len(components) == 0 {
		return undefined, nil
	}
	has := func(k byte) bool {
		v, ok := components[k]
		return ok && !isUndefined(v)
	}
	mask := 0
	shift := func(bit bool) {
		mask <<= 1
		if bit {
			mask++
		}
	}
	isType := func(t int) bool { return (^t&mask) == 0 && (t&mask) != 0 }
	for _, k := range []byte("YXMxWwdD") {
		shift(has(k))
	}
	dateA := isType(161)
	dateB := !dateA && isType(130)
	dateC := isType(84)
	dateD := !dateC && isType(72)
	mask = 0
	for _, k := range []byte("PHhmsf") {
		shift(has(k))
	}
	timeA := isType(23)
	timeB := !timeA && isType(47)
	dateComps := "YMD"
	switch {
	case dateB:
		dateComps = "YD"
	case dateC:
		dateComps = "XxwF"
	case dateD:
		dateComps = "XWF"
	}
	timeComps := "Hmsf"
	if timeB {
		timeComps = "Phmsf"
	}
	now := c.now.UTC()
	startSpecified, endSpecified := false, false
	for _, k := range []byte(dateComps + timeComps) {
		if !has(k) {
			if startSpecified {
				if strings.IndexByte("MDd", k) != -1 {
					components[k] = 1.0
				} else {
					components[k] = 0.0
				}
				endSpecified = true
			} else {
				components[k] = dateFragment(now, k)
			}
		} else {
			startSpecified = true
			if endSpecified {
				return nil, newError("D3136", -1)
			}
		}
	}
	get := func(k byte) float64 {
		f, _ := toNumber(components[k])
		return f
	}
	month := get('M')
	if month > 0 {
		month--
	} else {
		month = 0
	}
	day := get('D')
	if dateB {
		first := utcMillis(int(get('Y')), 0, 1)
		derived := time.UnixMilli(first + int64(get('d')-1)*millisInADay).UTC()
		month = float64(int(derived.Month()) - 1)
		day = float64(derived.Day())
	}
	if dateC || dateD {
		return nil, newError("D3136", -1)
	}
	hour := get('H')
	if timeB {
		hour = get('h')
		if hour == 12 {
			hour = 0
		}
		if get('P') == 1 {
			hour += 12
		}
	}
	for _, v := range []float64{get('Y'), month, day, hour, get('m'), get('s'), get('f')} {
		if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e9 {
			return math.NaN(), nil
		}
	}
	t := time.Date(int(get('Y')), time.Month(int(month)+1), int(day), int(hour), int(get('m')), int(get('s')), int(get('f'))*1e6, time.UTC)
	millis := float64(t.UnixMilli())
	if z := get('Z'); z != 0 {
		millis -= z * 60 * 1000
	} else if z := get('z'); z != 0 {
		millis -= z * 60 * 1000
	}
	return millis, nil
}

var iso8601RE = regexp.MustCompile(`^\d{4}(-[01]\d)*(-[0-3]\d)*(T[0-2]\d:[0-5]\d:[0-5]\d)*(\.\d+)?([+-][0-2]\d:?[0-5]\d|Z)?$`)

var isoParseRE = regexp.MustCompile(`^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?$`)

// parseISO is Date.parse for the ISO 8601 forms $toMillis accepts; NaN
// when the text is not a valid date.
func parseISO(s string) float64 {
	m := isoParseRE.FindStringSubmatch(s)
	if m == nil {
		return math.NaN()
	}
	atoi := func(x string, def int) int {
		if x == "" {
			return def
		}
		n, _ := strconv.Atoi(x)
		return n
	}
	year, month, day := atoi(m[1], 0), atoi(m[2], 1), atoi(m[3], 1)
	hour, minute, sec := atoi(m[4], 0), atoi(m[5], 0), atoi(m[6], 0)
	ms := 0
	if m[7] != "" {
		frac := (m[7] + "00")[:3]
		ms = atoi(frac, 0)
	}
	if month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || sec > 59 ||
		(hour == 24 && (minute != 0 || sec != 0 || ms != 0)) {
		return math.NaN()
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, ms*1e6, time.UTC)
	if t.Day() != day && hour != 24 {
		return math.NaN() // e.g. February 30
	}
	millis := float64(t.UnixMilli())
	if z := m[8]; z != "" && z != "Z" {
		sign := 1.0
		if z[0] == '-' {
			sign = -1
		}
		digits := strings.ReplaceAll(z[1:], ":", "")
		h, _ := strconv.Atoi(digits[:2])
		mm, _ := strconv.Atoi(digits[2:])
		millis -= sign * float64(h*60+mm) * 60 * 1000
	}
	return millis
}

func (c *evalCtx) nowMillis() float64 { return float64(c.now.UnixMilli()) }

func fnNow(c *evalCtx, _ any, _ *frame, args []any) (any, error) {
	picture, hasPicture := str(argAt(args, 0))
	tz, hasTZ := str(argAt(args, 1))
	return formatDateTime(c.nowMillis(), picture, hasPicture, tz, hasTZ)
}

func fnMillis(c *evalCtx, _ any, _ *frame, _ []any) (any, error) {
	return c.nowMillis(), nil
}

func fnFromMillis(_ *evalCtx, _ any, _ *frame, args []any) (any, error) {
	if isUndefined(args[0]) {
		return undefined, nil
	}
	picture, hasPicture := str(argAt(args, 1))
	tz, hasTZ := str(argAt(args, 2))
	return formatDateTime(num(args[0]), picture, hasPicture, tz, hasTZ)
}

func fnToMillis(c *evalCtx, _ any, _ *frame, args []any) (any, error) {
	ts, ok := str(args[0])
	if !ok {
		return undefined, nil
	}
	if picture, ok := str(argAt(args, 1)); ok {
		return c.parseDateTime(ts, picture)
	}
	if !iso8601RE.MatchString(ts) {
		return nil, newError("D3110", -1).withValue(ts)
	}
	return parseISO(ts), nil
}
