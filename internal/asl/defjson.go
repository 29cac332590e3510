package asl

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxDefinitionDepth bounds the nesting of JSON values in a definition, so a
// hostile definition cannot exhaust the stack.
const maxDefinitionDepth = 512

// decodeDefinitionJSON parses a definition into plain values (numbers as
// json.Number), reporting object keys that appear twice in the same object:
// encoding/json would silently keep the last one, AWS refuses them.
func decodeDefinitionJSON(data []byte) (any, []string, error) {
	d := json.NewDecoder(strings.NewReader(string(data)))
	d.UseNumber()
	var dups []string
	v, err := decodeToken(d, "", 0, &dups)
	if err != nil {
		return nil, nil, err
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return nil, nil, errors.New("unexpected data after the definition")
	}
	return v, dups, nil
}

func decodeToken(d *json.Decoder, loc string, depth int, dups *[]string) (any, error) {
	if depth > maxDefinitionDepth {
		return nil, errors.New("definition is nested too deeply")
	}
	t, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch x := t.(type) {
	case json.Delim:
		switch x {
		case '{':
			m := map[string]any{}
			for d.More() {
				kt, err := d.Token()
				if err != nil {
					return nil, err
				}
				k, ok := kt.(string)
				if !ok {
					return nil, fmt.Errorf("invalid object key %v", kt)
				}
				v, err := decodeToken(d, loc+"/"+k, depth+1, dups)
				if err != nil {
					return nil, err
				}
				if _, seen := m[k]; seen {
					*dups = append(*dups, loc+"/"+k)
				}
				m[k] = v
			}
			if _, err := d.Token(); err != nil {
				return nil, err
			}
			return m, nil
		case '[':
			a := []any{}
			for i := 0; d.More(); i++ {
				v, err := decodeToken(d, fmt.Sprintf("%s[%d]", loc, i), depth+1, dups)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			if _, err := d.Token(); err != nil {
				return nil, err
			}
			return a, nil
		}
		return nil, fmt.Errorf("unexpected delimiter %v", x)
	default:
		return x, nil
	}
}
