package deptest

import (
	"bytes"
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const mod = "github.com/gureum-dev/gureum/"

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

func listPackages(t *testing.T) map[string]pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", mod+"...")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	require.NoError(t, cmd.Run(), errb.String())
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(&out)
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else {
			require.NoError(t, err)
		}
		pkgs[strings.TrimPrefix(p.ImportPath, mod)] = p
	}
	return pkgs
}

func TestImportRules(t *testing.T) {
	pkgs := listPackages(t)
	require.Contains(t, pkgs, "internal/awsapi")

	// Pure packages: no I/O in their whole dependency closure.
	// (fmt brings os into every closure, so os is checked on direct imports;
	// sigv4 may use net/http for its Header type.)
	forbiddenDeps := map[string]bool{"net": true, "database/sql": true, "os/exec": true}
	forbiddenImports := map[string]bool{"os": true, "net/http": true, "io/fs": true, "io/ioutil": true, "path/filepath": true, "syscall": true}
	for path, p := range pkgs {
		if !strings.HasPrefix(path, "internal/asl") && path != "internal/arn" && path != "internal/awsapi/sigv4" && path != "internal/logs/filterpattern" {
			continue
		}
		for _, d := range p.Deps {
			if forbiddenDeps[d] && path != "internal/awsapi/sigv4" {
				t.Errorf("%s is pure but depends on %s", path, d)
			}
		}
		for _, d := range p.Imports {
			if forbiddenImports[d] && !(path == "internal/awsapi/sigv4" && d == "net/http") {
				t.Errorf("%s is pure but imports %s", path, d)
			}
		}
	}
	// in reports whether path is pkg or one of its subpackages.
	in := func(path, pkg string) bool { return path == pkg || strings.HasPrefix(path, pkg+"/") }
	for path, p := range pkgs {
		for _, imp := range p.Imports {
			imp = strings.TrimPrefix(imp, mod)
			if imp == "internal/awsapi/sigv4" || imp == "internal/arn" {
				continue // pure leaves anyone may use
			}
			switch {
			case (strings.HasPrefix(imp, "internal/store/sqlitestore") || strings.HasPrefix(imp, "internal/store/pgstore")) &&
				path != "internal/server" && !strings.HasPrefix(path, "internal/store/"):
				t.Errorf("%s imports the store driver %s: only internal/server may", path, imp)
			case in(path, "internal/sfn") && in(imp, "internal/lambda"):
				t.Errorf("%s imports %s: sfn reaches Lambda only through its Invoker interface", path, imp)
			case in(path, "internal/lambda") && in(imp, "internal/logs"):
				t.Errorf("%s imports %s: Lambda writes logs through its LogSink interface", path, imp)
			case in(path, "internal/lambda") && in(imp, "internal/sfn"):
				t.Errorf("%s imports %s: services do not import each other", path, imp)
			case path == "internal/store" && strings.HasPrefix(imp, "internal/"):
				t.Errorf("internal/store imports %s: the seam depends on nothing of ours", imp)
			case (in(path, "internal/sfn") || in(path, "internal/lambda") || in(path, "internal/asl") || in(path, "internal/store")) &&
				(in(imp, "internal/awsapi") || in(imp, "internal/server") || in(imp, "internal/cli")):
				t.Errorf("%s imports %s: dependencies point down only", path, imp)
			}
		}
	}
}
