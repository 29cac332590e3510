package asl

import (
	"strings"
	"sync"
)

// Machine is a compiled, validated state machine definition. It is immutable
// and safe for concurrent use; each execution has its own *Execution.
type Machine struct {
	definition     string
	root           *graph
	graphs         []*graph
	timeoutSeconds int64
	queryLanguage  QueryLanguage
	usesJSONata    bool
	paths          sync.Map // path text -> *refPath, for intrinsic function arguments
}

// Compile parses and validates a state machine definition. A definition AWS
// would refuse yields a *DefinitionError listing every diagnostic found.
func Compile(definition []byte) (*Machine, error) {
	m, diags := compile(definition)
	if len(diags) > 0 {
		return nil, &DefinitionError{Diagnostics: diags}
	}
	return m, nil
}

// Validate checks a definition like AWS's ValidateStateMachineDefinition and
// returns its diagnostics; none means the definition is valid.
func Validate(definition []byte) []Diagnostic {
	_, diags := compile(definition)
	return diags
}

func compile(definition []byte) (*Machine, []Diagnostic) {
	return compileWith(definition, CompileOptions{})
}

func compileWith(definition []byte, opts CompileOptions) (*Machine, []Diagnostic) {
	if len(strings.TrimSpace(string(definition))) == 0 {
		return nil, []Diagnostic{{Severity: "ERROR", Code: CodeMissingDescription, Message: "Received a null or empty workflow input"}}
	}
	v, dups, err := decodeDefinitionJSON(definition)
	if err != nil {
		return nil, []Diagnostic{{Severity: "ERROR", Code: CodeInvalidJSON, Message: "Invalid JSON description: " + err.Error()}}
	}
	p := &parser{names: map[string]string{}, jsonata: opts.JSONata}
	for _, d := range dups {
		if strings.HasPrefix(d, "/States/") && strings.Count(d, "/") == 2 {
			p.add(CodeDuplicateStateName, d, "Duplicate State name: %s", d[len("/States/"):])
		} else {
			p.schemaErr(d, "Duplicate field name")
		}
	}
	root, timeout := p.parseMachine(v)
	if root == nil {
		return nil, p.diags
	}
	if len(p.diags) == 0 {
		// Transitions are checked once the definition is well formed, as AWS
		// reports schema problems alone.
		p.link()
	}
	if len(p.diags) > 0 {
		return nil, p.diags
	}
	m := &Machine{
		definition:     string(definition),
		root:           root,
		graphs:         p.graphs,
		timeoutSeconds: timeout,
		queryLanguage:  p.topQL,
	}
	for _, g := range p.graphs {
		for _, st := range g.states {
			if st.ql == JSONata {
				m.usesJSONata = true
			}
		}
	}
	return m, nil
}

// Definition returns the definition text the machine was compiled from.
func (m *Machine) Definition() string { return m.definition }

// UsesJSONata reports whether any state of the machine uses the JSONata
// query language, which this interpreter does not evaluate yet: such states
// fail at run time with States.QueryEvaluationError.
func (m *Machine) UsesJSONata() bool { return m.usesJSONata }

// TimeoutSeconds returns the machine's top-level TimeoutSeconds, 0 if unset.
func (m *Machine) TimeoutSeconds() int64 { return m.timeoutSeconds }

// cachedPath compiles a path once per machine (intrinsic arguments are
// resolved by their text).
func (m *Machine) cachedPath(src string) (*refPath, error) {
	if v, ok := m.paths.Load(src); ok {
		return v.(*refPath), nil
	}
	rp, err := compilePath(src)
	if err != nil {
		return nil, err
	}
	m.paths.Store(src, rp)
	return rp, nil
}
