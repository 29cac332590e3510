// Package sfnmock reads Step Functions Local's mock configuration file
// (MockConfigFile.json) and answers which mocked response a Task state gets
// on its n-th invocation in a test case. Pure: it parses bytes it is given.
//
// The format:
//
//	{
//	  "StateMachines": {
//	    "MACHINE": {"TestCases": {"CASE": {"STATE": "RESPONSE", ...}}}
//	  },
//	  "MockedResponses": {
//	    "RESPONSE": {
//	      "0":   {"Return": <any JSON>},
//	      "1-2": {"Throw": {"Error": "E", "Cause": "C"}}
//	    }
//	  }
//	}
//
// Invocation keys are zero-based indexes or inclusive ranges "a-b"; every
// attempt of a state (retries included) is one invocation. Each entry holds
// exactly one of Return or Throw.
package sfnmock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Config is a parsed mock configuration.
type Config struct {
	machines  map[string]map[string]map[string]string // machine → case → state → response name
	responses map[string][]entry                      // response name → entries sorted by From
}

type entry struct {
	From, To int
	Response Response
}

// Response is one mocked answer: Return (a JSON value) or Throw.
type Response struct {
	// Return is the mocked service result as JSON text; empty when Throw.
	Return json.RawMessage
	// Error and Cause are set for Throw.
	Error string
	Cause string
}

// Throws reports whether r is a Throw.
func (r Response) Throws() bool { return r.Return == nil }

// ErrNoTestCase is returned for a machine or test case the file lacks.
var ErrNoTestCase = errors.New("no such mock test case")

// Parse reads a mock configuration, checking every reference and index.
func Parse(data []byte) (*Config, error) {
	var raw struct {
		StateMachines map[string]struct {
			TestCases map[string]map[string]string `json:"TestCases"`
		} `json:"StateMachines"`
		MockedResponses map[string]map[string]json.RawMessage `json:"MockedResponses"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("mock config: %w", err)
	}
	c := &Config{machines: map[string]map[string]map[string]string{}, responses: map[string][]entry{}}
	for name, byIndex := range raw.MockedResponses {
		entries, err := parseResponse(name, byIndex)
		if err != nil {
			return nil, err
		}
		c.responses[name] = entries
	}
	for m, sm := range raw.StateMachines {
		c.machines[m] = map[string]map[string]string{}
		for tc, states := range sm.TestCases {
			for state, resp := range states {
				if _, ok := c.responses[resp]; !ok {
					return nil, fmt.Errorf("mock config: StateMachines.%s.TestCases.%s.%s: no MockedResponses entry %q", m, tc, state, resp)
				}
			}
			c.machines[m][tc] = states
		}
	}
	return c, nil
}

func parseResponse(name string, byIndex map[string]json.RawMessage) ([]entry, error) {
	if len(byIndex) == 0 {
		return nil, fmt.Errorf("mock config: MockedResponses.%s: needs at least one invocation entry", name)
	}
	var entries []entry
	for key, v := range byIndex {
		from, to, err := parseRange(key)
		if err != nil {
			return nil, fmt.Errorf("mock config: MockedResponses.%s: invocation key %q: %w", name, key, err)
		}
		var body struct {
			Return json.RawMessage `json:"Return"`
			Throw  *struct {
				Error string `json:"Error"`
				Cause string `json:"Cause"`
			} `json:"Throw"`
		}
		d := json.NewDecoder(bytes.NewReader(v))
		d.DisallowUnknownFields()
		if err := d.Decode(&body); err != nil {
			return nil, fmt.Errorf("mock config: MockedResponses.%s.%s: %w", name, key, err)
		}
		var r Response
		switch {
		case body.Return != nil && body.Throw != nil:
			return nil, fmt.Errorf("mock config: MockedResponses.%s.%s: has both Return and Throw", name, key)
		case body.Return != nil:
			r.Return = body.Return
		case body.Throw != nil:
			if body.Throw.Error == "" {
				return nil, fmt.Errorf("mock config: MockedResponses.%s.%s: Throw needs an Error", name, key)
			}
			r.Error, r.Cause = body.Throw.Error, body.Throw.Cause
		default:
			return nil, fmt.Errorf("mock config: MockedResponses.%s.%s: needs Return or Throw", name, key)
		}
		entries = append(entries, entry{From: from, To: to, Response: r})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].From < entries[j].From })
	for i := 1; i < len(entries); i++ {
		if entries[i].From <= entries[i-1].To {
			return nil, fmt.Errorf("mock config: MockedResponses.%s: invocation ranges overlap at %d", name, entries[i].From)
		}
	}
	return entries, nil
}

func parseRange(key string) (int, int, error) {
	a, b, isRange := strings.Cut(key, "-")
	from, err := strconv.Atoi(a)
	if err != nil || from < 0 {
		return 0, 0, errors.New("want a zero-based index or a range like 1-2")
	}
	to := from
	if isRange {
		to, err = strconv.Atoi(b)
		if err != nil || to < from {
			return 0, 0, errors.New("want a zero-based index or a range like 1-2")
		}
	}
	return from, to, nil
}

// TestCase returns the mocks of one test case of a state machine.
func (c *Config) TestCase(machine, testCase string) (*TestCase, error) {
	cases, ok := c.machines[machine]
	if !ok {
		return nil, fmt.Errorf("%w: state machine %q is not in the mock config", ErrNoTestCase, machine)
	}
	states, ok := cases[testCase]
	if !ok {
		return nil, fmt.Errorf("%w: state machine %q has no test case %q", ErrNoTestCase, machine, testCase)
	}
	return &TestCase{cfg: c, states: states}, nil
}

// TestCase answers the mocked states of one test case.
type TestCase struct {
	cfg    *Config
	states map[string]string
}

// Mocked reports whether state is mocked in this test case.
func (tc *TestCase) Mocked(state string) bool {
	_, ok := tc.states[state]
	return ok
}

// Response returns the response for the invocation-th (zero-based)
// invocation of state. ok is false when the state is not mocked; an error
// says the state is mocked but has no response for that invocation.
func (tc *TestCase) Response(state string, invocation int) (r Response, ok bool, err error) {
	name, mocked := tc.states[state]
	if !mocked {
		return Response{}, false, nil
	}
	for _, e := range tc.cfg.responses[name] {
		if invocation >= e.From && invocation <= e.To {
			return e.Response, true, nil
		}
	}
	return Response{}, true, fmt.Errorf("mocked response %q of state %q has no entry for invocation %d", name, state, invocation)
}

// Machines returns the state machine names the configuration has test cases
// for.
func (c *Config) Machines() []string {
	out := make([]string, 0, len(c.machines))
	for m := range c.machines {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}
