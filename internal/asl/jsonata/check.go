package jsonata

import "github.com/gureum-dev/gureum/internal/asl"

// Step Functions evaluates expressions with no context item: the input is
// $states.input and variables are $name. It refuses, when the state
// machine is created, expressions that read the top-level context (a bare
// field name, $) or the root ($$).

// checkTopLevel returns an *asl.JSONataUnsupportedError for the first
// reference to the top-level context in n.
func checkTopLevel(n *node) error {
	var err error
	var walk func(n *node, top bool)
	refuse := func(msg string) {
		if err == nil {
			err = &asl.JSONataUnsupportedError{Message: msg}
		}
	}
	walkStages := func(n *node) {
		for _, p := range n.predicate {
			walk(p.expr, false)
		}
		for _, s := range n.stages {
			if s.expr != nil {
				walk(s.expr, false)
			}
		}
		if n.group != nil {
			for _, pair := range n.group.pairs {
				walk(pair[0], false)
				walk(pair[1], false)
			}
		}
	}
	walk = func(n *node, top bool) {
		if n == nil || err != nil {
			return
		}
		walkStages(n)
		switch n.typ {
		case nPath:
			for i, step := range n.steps {
				walk(step, top && i == 0)
			}
		case nName:
			if top {
				refuse("Reference to '" + n.str + "' at the top level is not supported.")
			}
		case nVariable:
			switch {
			case n.str == "$":
				refuse("Reference to '$$' is not supported.")
			case n.str == "" && top:
				refuse("Reference to '$' at the top level is not supported.")
			}
		case nBinary, nApply, nBind:
			walk(n.lhs, top)
			walk(n.rhs, top)
		case nUnaryMinus:
			walk(n.expr, top)
		case nArray, nBlock:
			for _, e := range n.exprs {
				walk(e, top)
			}
		case nObject:
			for _, pair := range n.pairs {
				walk(pair[0], top)
				walk(pair[1], top)
			}
		case nCondition:
			walk(n.cond, top)
			walk(n.then, top)
			walk(n.els, top)
		case nFunction, nPartial:
			walk(n.procedure, top)
			for _, a := range n.args {
				walk(a, top)
			}
		case nLambda:
			// A lambda body keeps the context it is defined in.
			walk(n.body, top)
		case nTransform:
			walk(n.pattern, false)
			walk(n.update, false)
			walk(n.del, false)
		case nSort:
			for _, t := range n.terms {
				walk(t.expr, false)
			}
		}
	}
	walk(n, true)
	return err
}

// statesFields lists the fields of $states that n reads ($states.input...).
func statesFields(n *node) []string {
	var out []string
	seen := map[string]bool{}
	var walk func(n *node)
	walk = func(n *node) {
		if n == nil {
			return
		}
		if n.typ == nPath && len(n.steps) >= 2 && n.steps[0].typ == nVariable && n.steps[0].str == "states" &&
			n.steps[1].typ == nName && !seen[n.steps[1].str] {
			seen[n.steps[1].str] = true
			out = append(out, n.steps[1].str)
		}
		for _, c := range []*node{n.lhs, n.rhs, n.expr, n.procedure, n.body, n.cond, n.then, n.els, n.pattern, n.update, n.del} {
			walk(c)
		}
		for _, list := range [][]*node{n.exprs, n.steps, n.predicate, n.stages, n.args} {
			for _, c := range list {
				walk(c)
			}
		}
		for _, pair := range n.pairs {
			walk(pair[0])
			walk(pair[1])
		}
		if n.group != nil {
			for _, pair := range n.group.pairs {
				walk(pair[0])
				walk(pair[1])
			}
		}
		for _, t := range n.terms {
			walk(t.expr)
		}
	}
	walk(n)
	return out
}
