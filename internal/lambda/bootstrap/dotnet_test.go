package bootstrap

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gureum-dev/gureum/internal/lambda/runtimeapi"
	"github.com/stretchr/testify/require"
)

const dotnetHello = `using System.Collections.Generic;
using Amazon.Lambda.Core;

[assembly: LambdaSerializer(typeof(Amazon.Lambda.Serialization.SystemTextJson.DefaultLambdaJsonSerializer))]

namespace Example
{
    public class Input { public string Name { get; set; } public List<int> Ids { get; set; } }
    public class Output { public string Greeting { get; set; } public int Count { get; set; } public string Fn { get; set; } public string Id { get; set; } public int Sum; }

    public class Function
    {
        int count;

        public Output Handler(Input input, ILambdaContext context)
        {
            count++;
            context.Logger.LogLine("hello from dotnet");
            var o = new Output { Greeting = "hello " + input.Name, Count = count, Fn = context.FunctionName, Id = context.AwsRequestId };
            if (input.Ids != null) foreach (var i in input.Ids) o.Sum += i;
            return o;
        }

        public string Upper(string s) { return s.ToUpperInvariant(); }

        public static Dictionary<string, object> Echo(Dictionary<string, object> e) { return e; }

        public async System.Threading.Tasks.Task<string> Later(string s) { await System.Threading.Tasks.Task.Delay(1); return s + "!"; }

        public System.IO.Stream Raw(System.IO.Stream s) { return s; }
    }
}
`

func TestDotnetHandlers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		handler string
		event   string
		want    string
	}{
		{name: "poco", handler: "Hello::Example.Function::Handler", event: `{"name":"world","ids":[1,2,3]}`,
			want: `{"Greeting":"hello world","Count":N,"Fn":"fn","Id":"ID","Sum":6}`},
		{name: "string", handler: "Hello::Example.Function::Upper", event: `"abc"`, want: `"ABC"`},
		{name: "dictionary", handler: "Hello::Example.Function::Echo", event: `{"a":[1,2.5,null,true],"b":"x"}`, want: `{"a":[1,2.5,null,true],"b":"x"}`},
		{name: "task", handler: "Hello::Example.Function::Later", event: `"x"`, want: `"x!"`},
		{name: "stream", handler: "Hello::Example.Function::Raw", event: `{"raw":1}`, want: `{"raw":1}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := startEnv(t, "dotnet8", map[string]string{"Function.cs": dotnetHello}, envOptions{handler: tc.handler})
			require.NoError(t, e.waitInit(), e.logs.String())
			for n := range 2 { // warm: the same process serves both
				res := e.mustInvoke(tc.event)
				require.Empty(t, res.FunctionError, "%s\nlogs:\n%s", res.Payload, e.logs.String())
				want := strings.NewReplacer("N", string(rune('1'+n)), "ID", e.lastID).Replace(tc.want)
				require.Equal(t, want, string(res.Payload))
			}
		})
	}
}

// TestDotnetAssembly runs a function packaged as a compiled .dll.
func TestDotnetAssembly(t *testing.T) {
	t.Parallel()
	r := runtimeOrSkip(t, "dotnet8")
	root := t.TempDir()
	rtDir, task := filepath.Join(root, "runtime"), filepath.Join(root, "task")
	require.NoError(t, r.Materialize(rtDir))
	require.NoError(t, os.MkdirAll(task, 0o755))
	src := filepath.Join(root, "Function.cs")
	require.NoError(t, os.WriteFile(src, []byte(dotnetHello), 0o644))
	mcs := filepath.Join(r.Prefix, "lib", "mono", "4.5", "mcs.exe")
	out, err := exec.Command(r.Interpreter, mcs, "-nologo", "-target:library", "-out:"+filepath.Join(task, "MyFunction.dll"),
		"-r:"+filepath.Join(rtDir, "Amazon.Lambda.Core.dll"), src).CombinedOutput()
	require.NoError(t, err, "%s", out)
	e := launch(t, r, task, rtDir, envOptions{handler: "MyFunction::Example.Function::Upper"})
	require.NoError(t, e.waitInit(), e.logs.String())
	res := e.mustInvoke(`"dll"`)
	require.Equal(t, `"DLL"`, string(res.Payload), e.logs.String())
}

func TestDotnetErrors(t *testing.T) {
	t.Parallel()
	e := startEnv(t, "dotnet8", map[string]string{"Boom.cs": `using System;
namespace Example
{
    public class Boom
    {
        public string Handler(string s)
        {
            if (s == "inner") throw new InvalidOperationException("outer", new ArgumentException("inner"));
            return Fail();
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        string Fail()
        {
            throw new Exception("Some exception was raised.");
        }
    }
}
`}, envOptions{handler: "Boom::Example.Boom::Handler"})
	for range 2 { // the environment stays warm after an error
		res := e.mustInvoke(`"x"`)
		require.Equal(t, runtimeapi.FunctionUnhandled, res.FunctionError)
		require.Equal(t, runtimeapi.ErrorType("Exception"), res.ErrorType)
		want := strings.ReplaceAll(`{"errorType":"Exception","errorMessage":"Some exception was raised.","stackTrace":["at Example.Boom.Fail () [0x00000] in TASK/Boom.cs:15 ","at Example.Boom.Handler (System.String s) [0x00037] in TASK/Boom.cs:9 "]}`, "TASK", e.task)
		p := jsonOf(t, res.Payload)
		require.Equal(t, "Exception", p["errorType"])
		require.Equal(t, "Some exception was raised.", p["errorMessage"])
		st := p["stackTrace"].([]any)
		require.Len(t, st, 2, "%s (like %s)", res.Payload, want)
		require.Contains(t, st[0], "at Example.Boom.Fail ()")
		require.Contains(t, st[0], "Boom.cs:15")
		require.Contains(t, st[1], "at Example.Boom.Handler (System.String s)")
		require.Equal(t, []string{"errorType", "errorMessage", "stackTrace"}, keysInOrder(string(res.Payload)))
	}
	res := e.mustInvoke(`"inner"`)
	p := jsonOf(t, res.Payload)
	require.Equal(t, "InvalidOperationException", p["errorType"])
	require.Equal(t, map[string]any{"errorType": "ArgumentException", "errorMessage": "inner", "stackTrace": []any{}}, p["cause"])
}

// keysInOrder returns which of errorType, errorMessage and stackTrace the
// JSON object s has, in the order they appear.
func keysInOrder(s string) []string {
	keys := []string{"errorType", "errorMessage", "stackTrace"}
	at := func(k string) int { return strings.Index(s, `"`+k+`":`) }
	keys = slices.DeleteFunc(keys, func(k string) bool { return at(k) < 0 })
	slices.SortFunc(keys, func(a, b string) int { return at(a) - at(b) })
	return keys
}

func TestDotnetInitErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		files   map[string]string
		handler string
		want    string
	}{
		{
			name: "assembly missing", files: map[string]string{}, handler: "Nope::A.B::C",
			want: `{"errorType":"LambdaException","errorMessage":"Could not find the specified handler assembly with the file name 'Nope'. The assembly should be located in the root of your uploaded .zip file.","stackTrace":[]}`,
		},
		{
			name: "type missing", files: map[string]string{"F.cs": "namespace A { public class X { public string C(string s) { return s; } } }\n"}, handler: "F::A.B::C",
			want: `{"errorType":"LambdaException","errorMessage":"Unable to load type 'A.B' from assembly 'F'.","stackTrace":[]}`,
		},
		{
			name: "method missing", files: map[string]string{"F.cs": "namespace A { public class B { public string D(string s) { return s; } } }\n"}, handler: "F::A.B::C",
			want: `{"errorType":"LambdaException","errorMessage":"Unable to find method 'C' in type 'A.B' from assembly 'F': Found no methods matching method name 'C'.","stackTrace":[]}`,
		},
		{
			name: "bad handler", files: map[string]string{}, handler: "F.handler",
			want: `{"errorType":"LambdaException","errorMessage":"Invalid handler string 'F.handler'. The handler string must be in the format 'ASSEMBLY::TYPE::METHOD'.","stackTrace":[]}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := startEnv(t, "dotnet8", tc.files, envOptions{handler: tc.handler})
			var ie *runtimeapi.InitError
			require.ErrorAs(t, e.waitInit(), &ie, e.logs.String())
			require.Equal(t, tc.want, string(ie.Payload))
			<-e.exited
			require.Equal(t, 1, e.cmd.ProcessState.ExitCode())
		})
	}
}
