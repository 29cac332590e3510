package jsonata

// The parser is a Pratt (top-down operator precedence) parser producing a
// raw syntax tree, which process (ast.go) then turns into the tree the
// evaluator runs: location paths flattened into steps, predicates into
// stages, tail calls into thunks and parent references resolved.

// rawNode is a node of the raw syntax tree.
type rawNode struct {
	typ   string // name, variable, string, number, value, regex, operator, end, binary, unary, function, partial, lambda, block, condition, transform, wildcard, descendant, parent
	value any    // the token's value or the operator
	pos   int
	id    string // the symbol: an operator, "(name)", "(literal)", "(regex)", "(end)"

	lhs, rhs   *rawNode
	expression *rawNode   // unary minus
	exprs      []*rawNode // array constructor, block
	pairs      [][2]*rawNode
	procedure  *rawNode
	args       []*rawNode
	params     []*rawNode
	signature  *signature
	body       *rawNode
	cond       *rawNode
	then, els  *rawNode
	pattern    *rawNode
	update     *rawNode
	del        *rawNode
	terms      []rawSortTerm
	keepArray  bool
	flags      string // regex flags
}

type rawSortTerm struct {
	descending bool
	expr       *rawNode
}

// maxNesting bounds the depth of the syntax tree, so that deeply nested
// expressions fail cleanly instead of exhausting the stack.
const maxNesting = 500

type parser struct {
	lex   lexer
	node  *rawNode // the current token
	depth int
}

// parse parses src into a raw syntax tree.
func parse(src string) (*rawNode, error) {
	p := &parser{lex: lexer{src: src}}
	if err := p.advance("", false); err != nil {
		return nil, err
	}
	expr, err := p.expression(0)
	if err != nil {
		return nil, err
	}
	if p.node.id != "(end)" {
		return nil, newError("S0201", p.node.pos).withToken(p.node.value)
	}
	return expr, nil
}

// lbp is the left binding power of a symbol.
func lbp(id string) int {
	switch id {
	case ".":
		return 75
	case "[", "(", "@", "#":
		return 80
	case "{":
		return 70
	case "+", "-", "&":
		return 50
	case "*", "/", "%":
		return 60
	case "=", "<", ">", "!=", "<=", ">=", "in", "~>", "^":
		return 40
	case "and":
		return 30
	case "or":
		return 25
	case "?":
		return 20
	case ":=":
		return 10
	}
	return 0
}

// knownSymbols are the operators the grammar defines.
var knownSymbols = map[string]bool{
	":": true, ";": true, ",": true, ")": true, "]": true, "}": true, "..": true,
	".": true, "+": true, "-": true, "*": true, "/": true, "%": true, "=": true, "<": true,
	">": true, "!=": true, "<=": true, ">=": true, "&": true, "and": true, "or": true,
	"in": true, "~>": true, "**": true, "(": true, "[": true, "^": true, "{": true,
	":=": true, "@": true, "#": true, "?": true, "|": true,
}

// advance checks that the current token is id (when given) and moves to
// the next one. afterOperand says whether the next token follows an
// operand (see lexer.next).
func (p *parser) advance(id string, afterOperand bool) error {
	if id != "" && p.node.id != id {
		code := "S0202"
		if p.node.id == "(end)" {
			code = "S0203"
		}
		return newError(code, p.node.pos).withToken(p.node.value).withValue(id)
	}
	t, err := p.lex.next(afterOperand)
	if err != nil {
		return err
	}
	n := &rawNode{pos: t.pos}
	switch t.typ {
	case tokEnd:
		n.id, n.typ, n.value = "(end)", "end", "(end)"
	case tokName:
		n.id, n.typ, n.value = "(name)", "name", t.str
	case tokVariable:
		n.id, n.typ, n.value = "(name)", "variable", t.str
	case tokOperator:
		if !knownSymbols[t.str] {
			return newError("S0204", t.pos).withToken(t.str)
		}
		n.id, n.typ, n.value = t.str, "operator", t.str
	case tokString:
		n.id, n.typ, n.value = "(literal)", "string", t.str
	case tokNumber:
		n.id, n.typ, n.value = "(literal)", "number", t.num
	case tokValue:
		n.id, n.typ, n.value = "(literal)", "value", t.val
	case tokRegex:
		n.id, n.typ, n.value, n.flags = "(regex)", "regex", t.str, t.flags
	}
	p.node = n
	return nil
}

// expression is Pratt's algorithm.
func (p *parser) expression(rbp int) (*rawNode, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxNesting {
		return nil, newError("S0501", p.node.pos)
	}
	t := p.node
	if err := p.advance("", true); err != nil {
		return nil, err
	}
	left, err := p.nud(t)
	if err != nil {
		return nil, err
	}
	for rbp < lbp(p.node.id) {
		t = p.node
		if err := p.advance("", false); err != nil {
			return nil, err
		}
		left, err = p.led(t, left)
		if err != nil {
			return nil, err
		}
	}
	return left, nil
}

// nud handles t in prefix position.
func (p *parser) nud(t *rawNode) (*rawNode, error) {
	switch t.id {
	case "(name)", "(literal)", "(regex)", "(end)", "and", "or", "in":
		return t, nil
	case "-":
		e, err := p.expression(70)
		if err != nil {
			return nil, err
		}
		t.expression, t.typ = e, "unary"
		return t, nil
	case "*":
		t.typ = "wildcard"
		return t, nil
	case "**":
		t.typ = "descendant"
		return t, nil
	case "%":
		t.typ = "parent"
		return t, nil
	case "(":
		var exprs []*rawNode
		for p.node.id != ")" {
			e, err := p.expression(0)
			if err != nil {
				return nil, err
			}
			exprs = append(exprs, e)
			if p.node.id != ";" {
				break
			}
			if err := p.advance(";", false); err != nil {
				return nil, err
			}
		}
		if err := p.advance(")", true); err != nil {
			return nil, err
		}
		t.typ, t.exprs = "block", exprs
		return t, nil
	case "[":
		var items []*rawNode
		if p.node.id != "]" {
			for {
				item, err := p.expression(0)
				if err != nil {
					return nil, err
				}
				if p.node.id == ".." {
					rng := &rawNode{typ: "binary", value: "..", id: "..", pos: p.node.pos, lhs: item}
					if err := p.advance("..", false); err != nil {
						return nil, err
					}
					if rng.rhs, err = p.expression(0); err != nil {
						return nil, err
					}
					item = rng
				}
				items = append(items, item)
				if p.node.id != "," {
					break
				}
				if err := p.advance(",", false); err != nil {
					return nil, err
				}
			}
		}
		if err := p.advance("]", true); err != nil {
			return nil, err
		}
		t.typ, t.exprs = "unary", items
		return t, nil
	case "{":
		return p.objectParser(t, nil)
	case "|":
		pattern, err := p.expression(0)
		if err != nil {
			return nil, err
		}
		if err := p.advance("|", false); err != nil {
			return nil, err
		}
		update, err := p.expression(0)
		if err != nil {
			return nil, err
		}
		t.typ, t.pattern, t.update = "transform", pattern, update
		if p.node.id == "," {
			if err := p.advance(",", false); err != nil {
				return nil, err
			}
			if t.del, err = p.expression(0); err != nil {
				return nil, err
			}
		}
		if err := p.advance("|", false); err != nil {
			return nil, err
		}
		return t, nil
	}
	return nil, newError("S0211", t.pos).withToken(t.value)
}

// led handles t in infix position with left operand left.
func (p *parser) led(t *rawNode, left *rawNode) (*rawNode, error) {
	switch t.id {
	case "(":
		return p.callParser(t, left)
	case "[":
		if p.node.id == "]" {
			// An empty predicate keeps singleton arrays in the output.
			step := left
			for step != nil && step.typ == "binary" && step.value == "[" {
				step = step.lhs
			}
			step.keepArray = true
			if err := p.advance("]", false); err != nil {
				return nil, err
			}
			return left, nil
		}
		rhs, err := p.expression(0)
		if err != nil {
			return nil, err
		}
		t.lhs, t.rhs, t.typ = left, rhs, "binary"
		if err := p.advance("]", true); err != nil {
			return nil, err
		}
		return t, nil
	case "^":
		if err := p.advance("(", false); err != nil {
			return nil, err
		}
		var terms []rawSortTerm
		for {
			term := rawSortTerm{}
			switch p.node.id {
			case "<":
				if err := p.advance("<", false); err != nil {
					return nil, err
				}
			case ">":
				term.descending = true
				if err := p.advance(">", false); err != nil {
					return nil, err
				}
			}
			e, err := p.expression(0)
			if err != nil {
				return nil, err
			}
			term.expr = e
			terms = append(terms, term)
			if p.node.id != "," {
				break
			}
			if err := p.advance(",", false); err != nil {
				return nil, err
			}
		}
		if err := p.advance(")", false); err != nil {
			return nil, err
		}
		t.lhs, t.terms, t.typ = left, terms, "binary"
		return t, nil
	case "{":
		return p.objectParser(t, left)
	case ":=":
		if left.typ != "variable" {
			return nil, newError("S0212", left.pos).withToken(left.value)
		}
		rhs, err := p.expression(lbp(":=") - 1)
		if err != nil {
			return nil, err
		}
		t.lhs, t.rhs, t.typ = left, rhs, "binary"
		return t, nil
	case "@", "#":
		rhs, err := p.expression(lbp(t.id))
		if err != nil {
			return nil, err
		}
		if rhs.typ != "variable" {
			return nil, newError("S0214", rhs.pos).withToken(t.id)
		}
		t.lhs, t.rhs, t.typ = left, rhs, "binary"
		return t, nil
	case "?":
		then, err := p.expression(0)
		if err != nil {
			return nil, err
		}
		t.typ, t.cond, t.then = "condition", left, then
		if p.node.id == ":" {
			if err := p.advance(":", false); err != nil {
				return nil, err
			}
			if t.els, err = p.expression(0); err != nil {
				return nil, err
			}
		}
		return t, nil
	case ".", "+", "-", "*", "/", "%", "=", "<", ">", "!=", "<=", ">=", "&", "and", "or", "in", "~>":
		rhs, err := p.expression(lbp(t.id))
		if err != nil {
			return nil, err
		}
		t.lhs, t.rhs, t.typ = left, rhs, "binary"
		return t, nil
	}
	return nil, newError("S0201", t.pos).withToken(t.value)
}

// callParser parses a function call, a partial application or a lambda
// definition; "(" has been consumed.
func (p *parser) callParser(t *rawNode, left *rawNode) (*rawNode, error) {
	t.procedure, t.typ = left, "function"
	if p.node.id != ")" {
		for {
			if p.node.typ == "operator" && p.node.id == "?" {
				t.typ = "partial"
				t.args = append(t.args, p.node)
				if err := p.advance("?", false); err != nil {
					return nil, err
				}
			} else {
				arg, err := p.expression(0)
				if err != nil {
					return nil, err
				}
				t.args = append(t.args, arg)
			}
			if p.node.id != "," {
				break
			}
			if err := p.advance(",", false); err != nil {
				return nil, err
			}
		}
	}
	if err := p.advance(")", true); err != nil {
		return nil, err
	}
	if left.typ == "name" && (left.value == "function" || left.value == "\u03BB") {
		for i, arg := range t.args {
			if arg.typ != "variable" {
				return nil, newError("S0208", arg.pos).withToken(arg.value).withValue(float64(i + 1))
			}
		}
		t.typ, t.params, t.args = "lambda", t.args, nil
		if p.node.id == "<" {
			sigPos := p.node.pos
			depth := 1
			sig := "<"
			for depth > 0 && p.node.id != "{" && p.node.id != "(end)" {
				if err := p.advance("", false); err != nil {
					return nil, err
				}
				tok := p.node
				switch tok.id {
				case ">":
					depth--
				case "<":
					depth++
				}
				sig += tokenText(tok)
			}
			if err := p.advance(">", false); err != nil {
				return nil, err
			}
			s, err := parseSignature(sig)
			if err != nil {
				if e, ok := err.(*Error); ok {
					e.Position = sigPos + e.Position
				}
				return nil, err
			}
			t.signature = s
		}
		if err := p.advance("{", false); err != nil {
			return nil, err
		}
		body, err := p.expression(0)
		if err != nil {
			return nil, err
		}
		t.body = body
		if err := p.advance("}", false); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// tokenText is a token's text as the signature scanner concatenates it.
func tokenText(n *rawNode) string {
	switch v := n.value.(type) {
	case string:
		return v
	case float64:
		return formatNumber(v)
	case bool:
		if v {
			return "true"
		}
		return "false"
	case nil:
		return "null"
	}
	return ""
}

// objectParser parses an object constructor (left == nil) or a group-by.
func (p *parser) objectParser(t *rawNode, left *rawNode) (*rawNode, error) {
	var pairs [][2]*rawNode
	if p.node.id != "}" {
		for {
			k, err := p.expression(0)
			if err != nil {
				return nil, err
			}
			if err := p.advance(":", false); err != nil {
				return nil, err
			}
			v, err := p.expression(0)
			if err != nil {
				return nil, err
			}
			pairs = append(pairs, [2]*rawNode{k, v})
			if p.node.id != "," {
				break
			}
			if err := p.advance(",", false); err != nil {
				return nil, err
			}
		}
	}
	if err := p.advance("}", true); err != nil {
		return nil, err
	}
	t.pairs = pairs
	if left == nil {
		t.typ = "unary"
	} else {
		t.lhs, t.typ = left, "binary"
	}
	return t, nil
}
