package jsonpath

import (
	"encoding/json"
	"math"
	"sort"
	"strings"
)

// providerClass is the Jayway JsonProvider named in its error messages.
const providerClass = "com.jayway.jsonpath.spi.json.JsonSmartJsonProvider"

// getDefinite evaluates tokens that are all definite against doc. When the
// tokens are a prefix of p (a function follows), the last one is not a leaf.
// It allocates nothing on success.
func (p *Path) getDefinite(doc any, tokens []token) (any, error) {
	cur := doc
	leafIsLast := len(tokens) == len(p.tokens)
	for i := range tokens {
		t := &tokens[i]
		leaf := leafIsLast && i == len(tokens)-1
		switch t.kind {
		case tkProperty:
			m, ok := cur.(map[string]any)
			if !ok {
				return nil, p.errNotMap(i, cur)
			}
			if len(t.names) > 1 { // merge of several names; only as the leaf
				merged := make(map[string]any, len(t.names))
				for _, n := range t.names {
					if v, ok := m[n]; ok {
						merged[n] = v
					}
				}
				cur = merged
				continue
			}
			v, ok := m[t.names[0]]
			if !ok {
				if leaf {
					return nil, p.errNoResults()
				}
				return nil, p.newError(ErrNoMatch, "Missing property in path "+p.prefix(i+1))
			}
			cur = v
		case tkIndex:
			if cur == nil {
				return nil, p.newError(ErrNoMatch, "The path "+p.prefix(i)+" is null")
			}
			l, ok := cur.([]any)
			if !ok {
				return nil, p.newError(ErrNoMatch, "Filter: "+p.suffix(i)+
					" can only be applied to arrays. Current context is: "+javaString(cur))
			}
			idx := t.indexes[0]
			if idx < 0 {
				idx += len(l)
			}
			if idx < 0 || idx >= len(l) {
				return nil, p.errNoResults()
			}
			cur = l[idx]
		default:
			// Not reachable: callers only pass definite tokens.
			return nil, p.errNoResults()
		}
	}
	return cur, nil
}

func (p *Path) newError(sentinel error, msg string) error {
	return &PathError{Path: p.src, Msg: msg, Err: sentinel}
}

func (p *Path) errNoResults() error {
	return p.newError(ErrNoMatch, "No results for path: "+p.Canonical())
}

func (p *Path) errNotMap(i int, cur any) error {
	var frag strings.Builder
	p.tokens[i].writeFragment(&frag)
	return p.newError(ErrNoMatch, "Expected to find an object with property "+frag.String()+
		" in path "+p.prefix(i)+" but found '"+javaClass(cur)+
		"'. This is not a json object according to the JsonProvider: '"+providerClass+"'.")
}

// prefix renders the canonical form of the first n tokens.
func (p *Path) prefix(n int) string {
	var b strings.Builder
	b.WriteByte('$')
	for i := 0; i < n; i++ {
		p.tokens[i].writeFragment(&b)
	}
	return b.String()
}

// suffix renders the canonical form of the tokens from i on.
func (p *Path) suffix(i int) string {
	var b strings.Builder
	for ; i < len(p.tokens); i++ {
		p.tokens[i].writeFragment(&b)
	}
	return b.String()
}

type evalCtx struct {
	root any // the document "$" refers to inside filters
	out  []any
}

// evalTokens evaluates tokens[i:] against cur and appends the matches to
// ctx.out. It never fails: like AWS, an indefinite path skips whatever it
// cannot match.
func (p *Path) evalTokens(tokens []token, i int, cur any, ctx *evalCtx) {
	if i == len(tokens) {
		ctx.out = append(ctx.out, cur)
		return
	}
	t := &tokens[i]
	switch t.kind {
	case tkProperty:
		m, ok := cur.(map[string]any)
		if !ok {
			return
		}
		if len(t.names) > 1 && i == len(tokens)-1 {
			merged := make(map[string]any, len(t.names))
			for _, n := range t.names {
				if v, ok := m[n]; ok {
					merged[n] = v
				}
			}
			ctx.out = append(ctx.out, merged)
			return
		}
		for _, n := range t.names {
			if v, ok := m[n]; ok {
				p.evalTokens(tokens, i+1, v, ctx)
			}
		}
	case tkIndex:
		l, ok := cur.([]any)
		if !ok {
			return
		}
		for _, idx := range t.indexes {
			if idx < 0 {
				idx += len(l)
			}
			if idx >= 0 && idx < len(l) {
				p.evalTokens(tokens, i+1, l[idx], ctx)
			}
		}
	case tkSlice:
		l, ok := cur.([]any)
		if !ok {
			return
		}
		from, to := sliceBounds(t, len(l))
		for idx := from; idx < to; idx++ {
			eff := idx
			if eff < 0 {
				eff += len(l)
			}
			if eff >= 0 && eff < len(l) {
				p.evalTokens(tokens, i+1, l[eff], ctx)
			}
		}
	case tkWildcard:
		switch x := cur.(type) {
		case map[string]any:
			for _, k := range sortedKeys(x) {
				p.evalTokens(tokens, i+1, x[k], ctx)
			}
		case []any:
			for _, v := range x {
				p.evalTokens(tokens, i+1, v, ctx)
			}
		}
	case tkScan:
		p.scan(tokens, i+1, cur, ctx)
	case tkFilter:
		fc := fctx{root: ctx.root}
		switch x := cur.(type) {
		case map[string]any:
			fc.item = x
			if t.filter.eval(&fc) {
				p.evalTokens(tokens, i+1, x, ctx)
			}
		case []any:
			for _, v := range x {
				fc.item = v
				if t.filter.eval(&fc) {
					p.evalTokens(tokens, i+1, v, ctx)
				}
			}
		}
	case tkFunction:
		// Functions only appear last and are applied by getWithFunction.
	}
}

// sliceBounds returns the index range [from, to) of a slice over a list of
// length n, following Jayway: negative bounds count from the end, and a
// range that starts negative is walked index by index (handled by the caller).
func sliceBounds(t *token, n int) (int, int) {
	if n == 0 {
		return 0, 0
	}
	switch {
	case t.hasFrom && !t.hasTo:
		from := t.from
		if from < 0 {
			from += n
		}
		return max(0, from), n
	case !t.hasFrom:
		to := t.to
		if to < 0 {
			to += n
		}
		return 0, min(n, to)
	default:
		return max(t.from, -n), min(n, t.to)
	}
}

// scan implements "..": it applies tokens[next:] to every node of the tree
// under cur (cur included) that the next token can apply to.
func (p *Path) scan(tokens []token, next int, cur any, ctx *evalCtx) {
	if next >= len(tokens) {
		return
	}
	t := &tokens[next]
	switch x := cur.(type) {
	case map[string]any:
		if scanMatches(t, x, ctx) {
			p.evalTokens(tokens, next, x, ctx)
		}
		for _, k := range sortedKeys(x) {
			p.scan(tokens, next, x[k], ctx)
		}
	case []any:
		switch t.kind {
		case tkIndex, tkSlice, tkWildcard:
			p.evalTokens(tokens, next, x, ctx)
		}
		for _, v := range x {
			p.scan(tokens, next, v, ctx)
		}
	}
}

func scanMatches(t *token, m map[string]any, ctx *evalCtx) bool {
	switch t.kind {
	case tkProperty:
		for _, n := range t.names {
			if _, ok := m[n]; ok {
				return true
			}
		}
		return false
	case tkWildcard:
		return true
	case tkFilter:
		return t.filter.eval(&fctx{item: m, root: ctx.root})
	}
	return false
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// getWithFunction evaluates a path whose last step is a function.
func (p *Path) getWithFunction(doc any) (any, error) {
	return p.getWithFunctionRoot(doc, doc)
}

func (p *Path) getWithFunctionRoot(doc, root any) (any, error) {
	n := len(p.tokens) - 1
	prefix := p.tokens[:n]
	var v any
	if p.firstIndef >= n {
		var err error
		if v, err = p.getDefinite(doc, prefix); err != nil {
			return nil, err
		}
	} else {
		ctx := evalCtx{root: root, out: []any{}}
		p.evalTokens(prefix, 0, doc, &ctx)
		v = ctx.out
	}
	return p.applyFunction(p.tokens[n].fn, v)
}

func (p *Path) applyFunction(fn string, v any) (any, error) {
	switch fn {
	case "length", "size":
		switch x := v.(type) {
		case []any:
			return json.Number(itoa(len(x))), nil
		case map[string]any:
			return json.Number(itoa(len(x))), nil
		}
		return nil, nil
	case "keys":
		m, ok := v.(map[string]any)
		if !ok {
			return nil, nil
		}
		keys := make([]any, 0, len(m))
		for _, k := range sortedKeys(m) {
			keys = append(keys, k)
		}
		return keys, nil
	case "first", "last":
		l, ok := v.([]any)
		if !ok || len(l) == 0 {
			return nil, nil
		}
		if fn == "first" {
			return l[0], nil
		}
		return l[len(l)-1], nil
	}
	// min, max, sum, avg, stddev aggregate the numbers of an array.
	l, _ := v.([]any)
	var nums []float64
	for _, e := range l {
		if n, ok := e.(json.Number); ok {
			f, err := n.Float64()
			if err != nil {
				continue
			}
			nums = append(nums, f)
		}
	}
	if len(nums) == 0 {
		return nil, p.newError(ErrNoMatch, "Aggregation function attempted to calculate value using empty array")
	}
	var r float64
	switch fn {
	case "min":
		r = nums[0]
		for _, f := range nums[1:] {
			r = min(r, f)
		}
	case "max":
		r = nums[0]
		for _, f := range nums[1:] {
			r = max(r, f)
		}
	case "sum":
		for _, f := range nums {
			r += f
		}
	case "avg":
		for _, f := range nums {
			r += f
		}
		r /= float64(len(nums))
	case "stddev":
		var sum, sumSq float64
		for _, f := range nums {
			sum += f
			sumSq += f * f
		}
		n := float64(len(nums))
		r = math.Sqrt(sumSq/n - sum*sum/(n*n))
	}
	s, ok := javaDouble(r)
	if !ok {
		return nil, p.newError(ErrNoMatch, "Aggregation function produced a non-finite value")
	}
	return json.Number(s), nil
}
