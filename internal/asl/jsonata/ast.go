package jsonata

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// nodeType is the kind of an evaluable syntax tree node.
type nodeType uint8

const (
	nPath nodeType = iota
	nBinary
	nUnaryMinus
	nArray  // array constructor
	nObject // object constructor
	nName
	nString
	nNumber
	nValue // true, false, null
	nWildcard
	nDescendant
	nParent
	nCondition
	nBlock
	nBind
	nRegex
	nFunction
	nPartial
	nVariable
	nLambda
	nApply
	nSort
	nTransform
	nPlaceholder // the ? of a partial application
	nFilter      // a filter stage
	nIndex       // an index (#$i) stage
)

// node is a node of the processed syntax tree. The tree is never modified
// after Compile, so one expression may be evaluated concurrently.
type node struct {
	typ   nodeType
	pos   int
	str   string  // name, variable, string literal, operator, regex source
	num   float64 // number literal
	value any     // true/false/null literal

	lhs, rhs *node
	expr     *node   // unary minus, filter stage
	exprs    []*node // array constructor, block
	pairs    [][2]*node

	// path
	steps              []*node
	keepSingletonArray bool

	// step annotations
	keepArray     bool
	consArray     bool
	predicate     []*node // filter stages on a non-path expression
	stages        []*node // filter and index stages on a step
	group         *groupSpec
	focus         string
	hasFocus      bool
	index         string
	hasIndex      bool
	tuple         bool
	ancestor      *slot
	seekingParent []*slot
	slot          *slot // parent

	// function call, partial application
	procedure *node
	args      []*node

	// lambda
	params    []string
	signature *signature
	body      *node
	thunk     bool

	// condition
	cond, then, els *node

	// transform
	pattern, update, del *node

	// sort
	terms []sortTerm

	// re is a regex literal; emptyAt, when set, matches only an empty
	// string at the start of its subject (see emptyMatcher).
	re, emptyAt *regexp.Regexp
}

type groupSpec struct {
	pairs [][2]*node
	pos   int
}

type sortTerm struct {
	descending bool
	expr       *node
}

// slot identifies the ancestor a parent (%) operator refers to.
type slot struct {
	label string
	level int
	index int
}

// processor turns the raw tree into the evaluable tree.
type processor struct {
	ancestorLabel int
	ancestorIndex int
	ancestry      []*node
	depth         int
}

// process is JSONata's post-parse stage.
func process(raw *rawNode) (*node, error) {
	p := &processor{}
	n, err := p.process(raw)
	if err != nil {
		return nil, err
	}
	if n.typ == nParent || n.seekingParent != nil {
		return nil, newError("S0217", n.pos).withToken(nodeTypeName(n.typ))
	}
	return n, nil
}

func (p *processor) process(expr *rawNode) (*node, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxNesting*4 {
		return nil, newError("S0501", expr.pos)
	}
	var result *node
	switch expr.typ {
	case "binary":
		op, _ := expr.value.(string)
		switch op {
		case ".":
			lstep, err := p.process(expr.lhs)
			if err != nil {
				return nil, err
			}
			if lstep.typ == nPath {
				result = lstep
			} else {
				result = &node{typ: nPath, steps: []*node{lstep}}
			}
			if lstep.typ == nParent {
				result.seekingParent = []*slot{lstep.slot}
			}
			rest, err := p.process(expr.rhs)
			if err != nil {
				return nil, err
			}
			if rest.typ == nPath {
				result.steps = append(result.steps, rest.steps...)
			} else {
				if rest.predicate != nil {
					rest.stages = rest.predicate
					rest.predicate = nil
				}
				result.steps = append(result.steps, rest)
			}
			for _, step := range result.steps {
				switch step.typ {
				case nNumber, nValue:
					// Numbers and true/false/null cannot be steps.
					var v any = step.value
					if step.typ == nNumber {
						v = step.num
					}
					return nil, newError("S0213", step.pos).withValue(v)
				case nString:
					step.typ = nName
				}
			}
			for _, step := range result.steps {
				if step.keepArray {
					result.keepSingletonArray = true
					break
				}
			}
			if first := result.steps[0]; first.typ == nArray {
				first.consArray = true
			}
			if last := result.steps[len(result.steps)-1]; last.typ == nArray {
				last.consArray = true
			}
			if err := p.resolveAncestry(result); err != nil {
				return nil, err
			}
		case "[":
			var err error
			result, err = p.process(expr.lhs)
			if err != nil {
				return nil, err
			}
			step := result
			stages := &result.predicate
			if result.typ == nPath {
				step = result.steps[len(result.steps)-1]
				stages = &step.stages
			}
			if step.group != nil {
				return nil, newError("S0209", expr.pos)
			}
			pred, err := p.process(expr.rhs)
			if err != nil {
				return nil, err
			}
			if pred.seekingParent != nil {
				for _, sl := range pred.seekingParent {
					if sl.level == 1 {
						if _, err := p.seekParent(step, sl); err != nil {
							return nil, err
						}
					} else {
						sl.level--
					}
				}
				pushAncestry(step, pred)
			}
			*stages = append(*stages, &node{typ: nFilter, expr: pred, pos: expr.pos})
		case "{":
			var err error
			result, err = p.process(expr.lhs)
			if err != nil {
				return nil, err
			}
			if result.group != nil {
				return nil, newError("S0210", expr.pos)
			}
			g := &groupSpec{pos: expr.pos}
			for _, pair := range expr.pairs {
				k, err := p.process(pair[0])
				if err != nil {
					return nil, err
				}
				v, err := p.process(pair[1])
				if err != nil {
					return nil, err
				}
				g.pairs = append(g.pairs, [2]*node{k, v})
			}
			result.group = g
		case "^":
			var err error
			result, err = p.process(expr.lhs)
			if err != nil {
				return nil, err
			}
			if result.typ != nPath {
				result = &node{typ: nPath, steps: []*node{result}}
			}
			sortStep := &node{typ: nSort, pos: expr.pos}
			for _, t := range expr.terms {
				e, err := p.process(t.expr)
				if err != nil {
					return nil, err
				}
				pushAncestry(sortStep, e)
				sortStep.terms = append(sortStep.terms, sortTerm{descending: t.descending, expr: e})
			}
			result.steps = append(result.steps, sortStep)
			if err := p.resolveAncestry(result); err != nil {
				return nil, err
			}
		case ":=":
			result = &node{typ: nBind, str: op, pos: expr.pos}
			lhs, err := p.process(expr.lhs)
			if err != nil {
				return nil, err
			}
			rhs, err := p.process(expr.rhs)
			if err != nil {
				return nil, err
			}
			result.lhs, result.rhs = lhs, rhs
			pushAncestry(result, rhs)
		case "@":
			var err error
			result, err = p.process(expr.lhs)
			if err != nil {
				return nil, err
			}
			step := result
			if result.typ == nPath {
				step = result.steps[len(result.steps)-1]
			}
			if step.stages != nil || step.predicate != nil {
				return nil, newError("S0215", expr.pos)
			}
			if step.typ == nSort {
				return nil, newError("S0216", expr.pos)
			}
			if expr.keepArray {
				step.keepArray = true
			}
			step.focus, step.hasFocus = rawString(expr.rhs), true
			step.tuple = true
		case "#":
			var err error
			result, err = p.process(expr.lhs)
			if err != nil {
				return nil, err
			}
			step := result
			if result.typ == nPath {
				step = result.steps[len(result.steps)-1]
			} else {
				result = &node{typ: nPath, steps: []*node{result}}
				if step.predicate != nil {
					step.stages = step.predicate
					step.predicate = nil
				}
			}
			name := rawString(expr.rhs)
			if step.stages == nil {
				step.index, step.hasIndex = name, true
			} else {
				step.stages = append(step.stages, &node{typ: nIndex, str: name, pos: expr.pos})
			}
			step.tuple = true
		case "~>":
			result = &node{typ: nApply, str: op, pos: expr.pos}
			lhs, err := p.process(expr.lhs)
			if err != nil {
				return nil, err
			}
			rhs, err := p.process(expr.rhs)
			if err != nil {
				return nil, err
			}
			result.lhs, result.rhs = lhs, rhs
			pushAncestry(result, lhs)
			pushAncestry(result, rhs)
		default:
			result = &node{typ: nBinary, str: op, pos: expr.pos}
			lhs, err := p.process(expr.lhs)
			if err != nil {
				return nil, err
			}
			rhs, err := p.process(expr.rhs)
			if err != nil {
				return nil, err
			}
			result.lhs, result.rhs = lhs, rhs
			pushAncestry(result, lhs)
			pushAncestry(result, rhs)
		}
	case "unary":
		op, _ := expr.value.(string)
		switch op {
		case "[":
			result = &node{typ: nArray, str: op, pos: expr.pos}
			for _, item := range expr.exprs {
				v, err := p.process(item)
				if err != nil {
					return nil, err
				}
				pushAncestry(result, v)
				result.exprs = append(result.exprs, v)
			}
		case "{":
			result = &node{typ: nObject, str: op, pos: expr.pos}
			for _, pair := range expr.pairs {
				k, err := p.process(pair[0])
				if err != nil {
					return nil, err
				}
				pushAncestry(result, k)
				v, err := p.process(pair[1])
				if err != nil {
					return nil, err
				}
				pushAncestry(result, v)
				result.pairs = append(result.pairs, [2]*node{k, v})
			}
		default:
			result = &node{typ: nUnaryMinus, str: op, pos: expr.pos}
			e, err := p.process(expr.expression)
			if err != nil {
				return nil, err
			}
			if e.typ == nNumber {
				e.num = -e.num
				result = e
			} else {
				result.expr = e
				pushAncestry(result, e)
			}
		}
	case "function", "partial":
		result = &node{typ: nFunction, pos: expr.pos}
		if expr.typ == "partial" {
			result.typ = nPartial
		}
		for _, arg := range expr.args {
			a, err := p.process(arg)
			if err != nil {
				return nil, err
			}
			pushAncestry(result, a)
			result.args = append(result.args, a)
		}
		proc, err := p.process(expr.procedure)
		if err != nil {
			return nil, err
		}
		result.procedure = proc
	case "lambda":
		result = &node{typ: nLambda, signature: expr.signature, pos: expr.pos}
		for _, prm := range expr.params {
			result.params = append(result.params, rawString(prm))
		}
		body, err := p.process(expr.body)
		if err != nil {
			return nil, err
		}
		result.body = tailCallOptimize(body)
	case "condition":
		result = &node{typ: nCondition, pos: expr.pos}
		c, err := p.process(expr.cond)
		if err != nil {
			return nil, err
		}
		pushAncestry(result, c)
		t, err := p.process(expr.then)
		if err != nil {
			return nil, err
		}
		pushAncestry(result, t)
		result.cond, result.then = c, t
		if expr.els != nil {
			e, err := p.process(expr.els)
			if err != nil {
				return nil, err
			}
			pushAncestry(result, e)
			result.els = e
		}
	case "transform":
		result = &node{typ: nTransform, pos: expr.pos}
		var err error
		if result.pattern, err = p.process(expr.pattern); err != nil {
			return nil, err
		}
		if result.update, err = p.process(expr.update); err != nil {
			return nil, err
		}
		if expr.del != nil {
			if result.del, err = p.process(expr.del); err != nil {
				return nil, err
			}
		}
	case "block":
		result = &node{typ: nBlock, pos: expr.pos}
		for _, item := range expr.exprs {
			part, err := p.process(item)
			if err != nil {
				return nil, err
			}
			pushAncestry(result, part)
			if part.consArray || (part.typ == nPath && part.steps[0].consArray) {
				result.consArray = true
			}
			result.exprs = append(result.exprs, part)
		}
	case "name":
		step := &node{typ: nName, str: rawString(expr), pos: expr.pos, keepArray: expr.keepArray}
		result = &node{typ: nPath, steps: []*node{step}, pos: expr.pos}
		if expr.keepArray {
			result.keepSingletonArray = true
		}
	case "parent":
		result = &node{typ: nParent, pos: expr.pos, slot: &slot{label: "!" + itoa(p.ancestorLabel), level: 1, index: p.ancestorIndex}}
		p.ancestorLabel++
		p.ancestorIndex++
		p.ancestry = append(p.ancestry, result)
	case "string":
		result = &node{typ: nString, str: rawString(expr), pos: expr.pos}
	case "number":
		f, _ := expr.value.(float64)
		result = &node{typ: nNumber, num: f, pos: expr.pos}
	case "value":
		result = &node{typ: nValue, value: expr.value, pos: expr.pos}
	case "wildcard":
		result = &node{typ: nWildcard, pos: expr.pos}
	case "descendant":
		result = &node{typ: nDescendant, pos: expr.pos}
	case "variable":
		result = &node{typ: nVariable, str: rawString(expr), pos: expr.pos}
	case "regex":
		re, err := compileRegex(rawString(expr), expr.flags)
		if err != nil {
			return nil, newError("S0303", expr.pos).withValue(rawString(expr))
		}
		result = &node{typ: nRegex, str: rawString(expr), re: re, emptyAt: emptyMatcher(re, rawString(expr)), pos: expr.pos}
	case "operator":
		op := rawString(expr)
		switch op {
		case "and", "or", "in":
			step := &node{typ: nName, str: op, pos: expr.pos, keepArray: expr.keepArray}
			result = &node{typ: nPath, steps: []*node{step}, pos: expr.pos}
			if expr.keepArray {
				result.keepSingletonArray = true
			}
		case "?":
			result = &node{typ: nPlaceholder, pos: expr.pos}
		default:
			return nil, newError("S0201", expr.pos).withToken(op)
		}
	default:
		if expr.id == "(end)" {
			return nil, newError("S0207", expr.pos).withToken(expr.value)
		}
		return nil, newError("S0206", expr.pos).withToken(expr.value)
	}
	if expr.keepArray {
		result.keepArray = true
	}
	return result, nil
}

func rawString(n *rawNode) string {
	s, _ := n.value.(string)
	return s
}

func itoa(i int) string {
	const digits = "0123456789"
	if i == 0 {
		return "0"
	}
	var b []byte
	for i > 0 {
		b = append([]byte{digits[i%10]}, b...)
		i /= 10
	}
	return string(b)
}

// tailCallOptimize replaces function calls in tail position by thunks the
// trampoline in apply evaluates, so tail recursion does not grow the stack.
func tailCallOptimize(expr *node) *node {
	switch expr.typ {
	case nFunction:
		if expr.predicate == nil {
			return &node{typ: nLambda, thunk: true, body: expr, pos: expr.pos}
		}
	case nCondition:
		expr.then = tailCallOptimize(expr.then)
		if expr.els != nil {
			expr.els = tailCallOptimize(expr.els)
		}
	case nBlock:
		if n := len(expr.exprs); n > 0 {
			expr.exprs[n-1] = tailCallOptimize(expr.exprs[n-1])
		}
	}
	return expr
}

func (p *processor) seekParent(n *node, sl *slot) (*slot, error) {
	switch n.typ {
	case nName, nWildcard:
		sl.level--
		if sl.level == 0 {
			if n.ancestor == nil {
				n.ancestor = sl
			} else {
				// Reuse the existing label.
				p.ancestry[sl.index].slot.label = n.ancestor.label
				n.ancestor = sl
			}
			n.tuple = true
		}
	case nParent:
		sl.level++
	case nBlock:
		if len(n.exprs) > 0 {
			n.tuple = true
			return p.seekParent(n.exprs[len(n.exprs)-1], sl)
		}
	case nPath:
		n.tuple = true
		index := len(n.steps) - 1
		var err error
		sl, err = p.seekParent(n.steps[index], sl)
		if err != nil {
			return nil, err
		}
		index--
		for sl.level > 0 && index >= 0 {
			sl, err = p.seekParent(n.steps[index], sl)
			if err != nil {
				return nil, err
			}
			index--
		}
	default:
		return nil, newError("S0217", n.pos).withToken(nodeTypeName(n.typ))
	}
	return sl, nil
}

func pushAncestry(result, value *node) {
	if value.seekingParent != nil || value.typ == nParent {
		var slots []*slot
		if value.seekingParent != nil {
			slots = value.seekingParent
		}
		if value.typ == nParent {
			slots = append(slots, value.slot)
		}
		result.seekingParent = append(result.seekingParent, slots...)
	}
}

func (p *processor) resolveAncestry(path *node) error {
	index := len(path.steps) - 1
	last := path.steps[index]
	var slots []*slot
	if last.seekingParent != nil {
		slots = last.seekingParent
	}
	if last.typ == nParent {
		slots = append(slots, last.slot)
	}
	for _, sl := range slots {
		index = len(path.steps) - 2
		for sl.level > 0 {
			if index < 0 {
				path.seekingParent = append(path.seekingParent, sl)
				break
			}
			step := path.steps[index]
			index--
			// Contiguous steps that bind the focus are skipped.
			for index >= 0 && step.hasFocus && path.steps[index].hasFocus {
				step = path.steps[index]
				index--
			}
			var err error
			if sl, err = p.seekParent(step, sl); err != nil {
				return err
			}
		}
	}
	return nil
}

func nodeTypeName(t nodeType) string {
	names := [...]string{"path", "binary", "unary", "unary", "unary", "name", "string", "number", "value",
		"wildcard", "descendant", "parent", "condition", "block", "bind", "regex", "function", "partial",
		"variable", "lambda", "apply", "sort", "transform", "operator", "filter", "index"}
	if int(t) < len(names) {
		return names[t]
	}
	return "unknown"
}

// compileRegex compiles a JSONata (JavaScript) regular expression for Go's
// RE2 engine.
// emptyMatcher returns a regex that reports whether re, tried at the start
// of a string, prefers the empty match there: a global JavaScript regex
// would loop on such a match (error D1004). It is nil when re can never
// match the empty string, or when re looks left of the search position
// (anchors, word boundaries), where a suffix search would mislead.
// Without left context, a pattern that matches empty somewhere matches
// the empty string itself, so re.MatchString("") is an exact filter.
func emptyMatcher(re *regexp.Regexp, src string) *regexp.Regexp {
	if leftContext(src) || !re.MatchString("") {
		return nil
	}
	anchored, err := regexp.Compile(`^(?:` + re.String() + `)`)
	if err != nil {
		return nil
	}
	return anchored
}

func compileRegex(pattern, flags string) (*regexp.Regexp, error) {
	prefix := ""
	if strings.Contains(flags, "i") {
		prefix += "i"
	}
	if strings.Contains(flags, "m") {
		prefix += "m"
	}
	src, err := translateRegex(pattern)
	if err != nil {
		return nil, err
	}
	if prefix != "" {
		src = "(?" + prefix + ")" + src
	}
	return regexp.Compile(src)
}

// translateRegex rewrites the escapes of a JavaScript regular expression
// that RE2 spells differently: identity escapes (\  \q \/), \uHHHH, \cX
// and [\b]. Back-references, which RE2 lacks, are an error.
func translateRegex(p string) (string, error) {
	if !strings.Contains(p, `\`) {
		return p, nil
	}
	var b strings.Builder
	inClass := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '[' && !inClass:
			inClass = true
		case c == ']' && inClass:
			inClass = false
		}
		if c != '\\' || i+1 >= len(p) {
			b.WriteByte(c)
			continue
		}
		i++
		e := p[i]
		switch {
		case strings.IndexByte("dDwWsStnvfr", e) >= 0:
			b.WriteByte('\\')
			b.WriteByte(e)
		case e == 'b' || e == 'B':
			if inClass && e == 'b' {
				b.WriteString(`\x08`)
			} else {
				b.WriteByte('\\')
				b.WriteByte(e)
			}
		case e == '0' && (i+1 >= len(p) || p[i+1] < '0' || p[i+1] > '9'):
			b.WriteString(`\x00`)
		case e >= '1' && e <= '9' && !inClass:
			return "", fmt.Errorf("back-references are not supported")
		case e == 'k' && i+1 < len(p) && p[i+1] == '<':
			return "", fmt.Errorf("back-references are not supported")
		case e == 'x' && i+2 < len(p) && isHex(p[i+1]) && isHex(p[i+2]):
			b.WriteString(`\x` + p[i+1:i+3])
			i += 2
		case e == 'u' && i+4 < len(p) && isHex(p[i+1]) && isHex(p[i+2]) && isHex(p[i+3]) && isHex(p[i+4]):
			b.WriteString(`\x{` + p[i+1:i+5] + `}`)
			i += 4
		case e == 'c' && i+1 < len(p) && ((p[i+1] >= 'a' && p[i+1] <= 'z') || (p[i+1] >= 'A' && p[i+1] <= 'Z')):
			fmt.Fprintf(&b, `\x{%x}`, p[i+1]%32)
			i++
		case e == 'p' || e == 'P':
			// Unicode property classes, as JavaScript's u flag has them.
			b.WriteByte('\\')
			b.WriteByte(e)
		default:
			// An identity escape: the character itself.
			r, size := utf8.DecodeRuneInString(p[i:])
			b.WriteString(regexp.QuoteMeta(string(r)))
			i += size - 1
		}
	}
	return b.String(), nil
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}
