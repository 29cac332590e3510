package asl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// stateVersion is the version of MarshalState's format.
const stateVersion = 1

// MarshalState serializes everything needed to resume the execution with
// Machine.Restore: the running frames (Parallel branches, Map iterations),
// their inputs, variables, retry counters, pending effects with their ids
// and deadlines, the event counter and the random generator. It does not
// include history events: a durable executor persists those as they are
// returned, and resumes from the snapshot written with the last batch.
func (ex *Execution) MarshalState() ([]byte, error) {
	ex.walk(ex.st.Root, func(f *frame) {
		if f.vars != nil && len(f.vars.vals) > 0 {
			f.Vars = f.vars.vals
		} else {
			f.Vars = nil
		}
	})
	return json.Marshal(ex.st)
}

// Restore rebuilds an execution from MarshalState's output. The machine must
// be the one the execution was started with. The restored execution returns
// only events produced after the snapshot; its History starts empty.
func (m *Machine) Restore(state []byte) (*Execution, error) {
	d := json.NewDecoder(bytes.NewReader(state))
	d.UseNumber()
	st := &execState{}
	if err := d.Decode(st); err != nil {
		return nil, fmt.Errorf("asl: restore execution: %w", err)
	}
	if st.V != stateVersion {
		return nil, fmt.Errorf("asl: restore execution: unsupported state version %d", st.V)
	}
	if st.Root == nil {
		return nil, errors.New("asl: restore execution: no root frame")
	}
	input, err := decodeValue(st.Input)
	if err != nil {
		return nil, fmt.Errorf("asl: restore execution: input: %w", err)
	}
	ex := &Execution{m: m, st: st, now: st.Now, input: input, build: st.History != HistoryOff}
	var check func(f, parent *frame) error
	check = func(f, parent *frame) error {
		if f.G < 0 || f.G >= len(m.graphs) {
			return fmt.Errorf("asl: restore execution: unknown graph %d", f.G)
		}
		if f.Cur != "" {
			if _, ok := m.graphs[f.G].states[f.Cur]; !ok {
				return fmt.Errorf("asl: restore execution: unknown state %q", f.Cur)
			}
		}
		f.parent = parent
		var up *varScope
		if parent != nil {
			up = parent.vars
		}
		f.vars = &varScope{parent: up, vals: f.Vars}
		for _, c := range f.children() {
			if err := check(c, f); err != nil {
				return err
			}
		}
		return nil
	}
	if err := check(st.Root, nil); err != nil {
		return nil, err
	}
	return ex, nil
}
