package asl

import (
	"fmt"
)

// link resolves the transitions of every graph and reports dangling targets,
// graphs without a terminal state and unreachable states, in AWS's order.
func (p *parser) link() {
	for _, g := range p.graphs {
		p.linkGraph(g)
	}
}

func (p *parser) linkGraph(g *graph) {
	statesLoc := g.loc + "/States"
	resolve := func(target, loc string) *state {
		st, ok := g.states[target]
		if !ok {
			p.add(CodeMissingTransitionTarget, loc, "Missing 'Next' target: %s", target)
			return nil
		}
		return st
	}
	g.start = resolve(g.startAt, g.loc+"/StartAt")
	terminal := false
	for _, name := range g.order {
		st := g.states[name]
		loc := statesLoc + "/" + escapeLoc(name)
		if !st.end && st.typ != typeChoice && st.typ != typeSucceed && st.typ != typeFail {
			st.next = resolve(st.nextSrc, loc+"/Next")
		}
		for i, r := range st.choices {
			r.next = resolve(r.nextSrc, fmt.Sprintf("%s/Choices[%d]/Next", loc, i))
		}
		if st.hasDefault {
			st.defaultNext = resolve(st.defaultSrc, loc+"/Default")
		}
		for i, c := range st.catch {
			c.next = resolve(c.nextSrc, fmt.Sprintf("%s/Catch[%d]/Next", loc, i))
		}
		if st.end || st.typ == typeSucceed || st.typ == typeFail {
			terminal = true
		}
	}
	if len(g.states) == 0 {
		return
	}
	if !terminal {
		p.add(CodeMissingEndState, "", "Workflow has no terminal state")
		return
	}
	if g.start == nil {
		return
	}
	reached := map[*state]bool{}
	queue := []*state{g.start}
	reached[g.start] = true
	visit := func(st *state) {
		if st != nil && !reached[st] {
			reached[st] = true
			queue = append(queue, st)
		}
	}
	for len(queue) > 0 {
		st := queue[0]
		queue = queue[1:]
		visit(st.next)
		for _, r := range st.choices {
			visit(r.next)
		}
		visit(st.defaultNext)
		for _, c := range st.catch {
			visit(c.next)
		}
	}
	for _, name := range g.order {
		if !reached[g.states[name]] {
			p.add(CodeMissingTransitionTarget, statesLoc+"/"+escapeLoc(name), "State \"%s\" is not reachable.", name)
		}
	}
}
