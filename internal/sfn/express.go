package sfn

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/gureum-dev/gureum/internal/asl"
)

// expressDiagnostics lists what an EXPRESS state machine may not contain,
// as CreateStateMachine reports it: activities, and the .sync and
// .waitForTaskToken integration patterns (Express executions neither wait
// for workers nor for callbacks). definition has compiled already.
func expressDiagnostics(definition string) []asl.Diagnostic {
	var def map[string]any
	if json.Unmarshal([]byte(definition), &def) != nil {
		return nil
	}
	var out []asl.Diagnostic
	var walk func(states map[string]any, loc string)
	walk = func(states map[string]any, loc string) {
		for name, v := range states {
			st, _ := v.(map[string]any)
			here := loc + "/" + escapePointer(name)
			if res, ok := st["Resource"].(string); ok && st["Type"] == "Task" {
				if msg := expressUnsupported(res); msg != "" {
					out = append(out, asl.Diagnostic{Severity: "ERROR", Code: asl.CodeSchemaValidationFailed, Message: msg, Location: here + "/Resource"})
				}
			}
			if branches, ok := st["Branches"].([]any); ok {
				for i, b := range branches {
					if bm, ok := b.(map[string]any); ok {
						inner, _ := bm["States"].(map[string]any)
						walk(inner, here+"/Branches["+strconv.Itoa(i)+"]/States")
					}
				}
			}
			for _, key := range []string{"ItemProcessor", "Iterator"} {
				if p, ok := st[key].(map[string]any); ok {
					inner, _ := p["States"].(map[string]any)
					walk(inner, here+"/"+key+"/States")
				}
			}
		}
	}
	states, _ := def["States"].(map[string]any)
	walk(states, "/States")
	sort.Slice(out, func(i, j int) bool { return out[i].Location < out[j].Location })
	return out
}

// expressUnsupported returns why an Express state machine cannot have a
// Task with this Resource, or "".
func expressUnsupported(resource string) string {
	parts := strings.SplitN(resource, ":", 7)
	if len(parts) < 6 || parts[2] != "states" {
		return ""
	}
	if parts[5] == "activity" {
		return "Express state machine does not support Activity ARN"
	}
	api := strings.Join(parts[5:], ":")
	switch {
	case strings.Contains(api, ".waitForTaskToken"):
		return "Express state machine does not support '.waitForTaskToken' service integration"
	case strings.Contains(api, ".sync"):
		return "Express state machine does not support '.sync' service integration"
	}
	return ""
}

// escapePointer escapes a JSON pointer segment.
func escapePointer(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}
