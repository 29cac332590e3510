package bootstrap

import (
	"archive/zip"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gureum-dev/gureum/internal/lambda/runtimeapi"
	"github.com/stretchr/testify/require"
)

const javaHello = `package example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.LinkedHashMap;
import java.util.Map;

public class Hello implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private int count;

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        count++;
        context.getLogger().log("hello from java\n");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("hello", event.get("name"));
        out.put("n", count);
        out.put("fn", context.getFunctionName());
        out.put("id", context.getAwsRequestId());
        out.put("mem", context.getMemoryLimitInMB());
        out.put("remaining", context.getRemainingTimeInMillis() > 0);
        return out;
    }
}
`

// TestJavaHandlers runs handlers given as .java sources (compiled by the
// runtime client at its first start), on both Java runtimes.
func TestJavaHandlers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		files   map[string]string
		handler string
		event   string
		want    string
	}{
		{
			name:    "request handler",
			files:   map[string]string{"src/example/Hello.java": javaHello},
			handler: "example.Hello::handleRequest", event: `{"name":"world"}`,
			want: `{"hello":"world","n":N,"fn":"fn","id":"ID","mem":256,"remaining":true}`,
		},
		{
			name:    "class only: handleRequest",
			files:   map[string]string{"example/Hello.java": javaHello},
			handler: "example.Hello", event: `{"name":"x"}`,
			want: `{"hello":"x","n":N,"fn":"fn","id":"ID","mem":256,"remaining":true}`,
		},
		{
			name: "pojo in, pojo out, static method",
			files: map[string]string{"example/Pojo.java": `package example;
import java.util.List;
public class Pojo {
    public static class In { public String name; public int age; private List<Long> ids; public void setIds(List<Long> ids) { this.ids = ids; } public List<Long> getIds() { return ids; } }
    public static class Out { public String greeting; public long total; public boolean ok = true; public double ratio = 0.5; }
    public static Out greet(In in) {
        Out o = new Out();
        o.greeting = "hi " + in.name + " (" + in.age + ")";
        for (Long id : in.getIds()) o.total += id;
        return o;
    }
}
`},
			handler: "example.Pojo::greet", event: `{"name":"ana","age":41,"ids":[1,2,3000000000]}`,
			want: `{"greeting":"hi ana (41)","total":3000000003,"ok":true,"ratio":0.5}`,
		},
		{
			name: "string and list",
			files: map[string]string{"S.java": `import java.util.List;
public class S {
    public String upper(String s) { return s.toUpperCase(); }
    public List<Object> echo(List<Object> l) { return l; }
}
`},
			handler: "S::upper", event: `"abc"`, want: `"ABC"`,
		},
		{
			name: "stream handler",
			files: map[string]string{"example/Stream.java": `package example;
import com.amazonaws.services.lambda.runtime.*;
import java.io.*;
public class Stream implements RequestStreamHandler {
    public void handleRequest(InputStream in, OutputStream out, Context ctx) throws IOException {
        out.write(("[" + new String(in.readAllBytes(), "UTF-8") + "]").getBytes("UTF-8"));
    }
}
`},
			handler: "example.Stream", event: `{"a":1}`, want: `[{"a":1}]`,
		},
	} {
		for _, id := range []string{"java17", "java21"} {
			t.Run(tc.name+"/"+id, func(t *testing.T) {
				t.Parallel()
				e := startEnv(t, id, tc.files, envOptions{handler: tc.handler, memory: 256})
				require.NoError(t, e.waitInit(), e.logs.String())
				for n := range 2 { // warm: the same instance serves both
					res := e.mustInvoke(tc.event)
					require.Empty(t, res.FunctionError, "%s\nlogs:\n%s", res.Payload, e.logs.String())
					want := strings.NewReplacer("N", string(rune('1'+n)), "ID", e.lastID).Replace(tc.want)
					require.Equal(t, want, string(res.Payload))
				}
			})
		}
	}
}

// TestJavaCompiledClasses runs a function packaged as AWS expects it:
// compiled classes and a jar in lib/.
func TestJavaCompiledClasses(t *testing.T) {
	t.Parallel()
	r := runtimeOrSkip(t, "java17")
	root := t.TempDir()
	rtDir, src, task := filepath.Join(root, "runtime"), filepath.Join(root, "src"), filepath.Join(root, "task")
	require.NoError(t, r.Materialize(rtDir))
	for name, content := range map[string]string{
		"example/Hello.java": javaHello,
		"dep/Util.java":      "package dep;\npublic class Util { public static String shout(String s) { return s + \"!\"; } }\n",
		"example/UsesDep.java": `package example;
public class UsesDep { public String handle(String s, com.amazonaws.services.lambda.runtime.Context c) { return dep.Util.shout(s); } }
`,
	} {
		p := filepath.Join(src, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	javac := filepath.Join(r.Prefix, "bin", "javac")
	// dep.Util goes into lib/dep.jar, the handlers into the task root.
	out, err := exec.Command(javac, "-d", filepath.Join(root, "dep"), filepath.Join(src, "dep/Util.java")).CombinedOutput()
	require.NoError(t, err, "%s", out)
	jar, err := zipDir(filepath.Join(root, "dep"))
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Join(task, "lib"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(task, "lib", "dep.jar"), jar, 0o644))
	out, err = exec.Command(javac, "-cp", filepath.Join(rtDir, "runtime.jar")+":"+filepath.Join(task, "lib", "dep.jar"), "-d", task,
		filepath.Join(src, "example/Hello.java"), filepath.Join(src, "example/UsesDep.java")).CombinedOutput()
	require.NoError(t, err, "%s", out)
	_, err = zip.NewReader(bytes.NewReader(jar), int64(len(jar)))
	require.NoError(t, err)

	e := launch(t, r, task, rtDir, envOptions{handler: "example.UsesDep::handle"})
	res := e.mustInvoke(`"hey"`)
	require.Equal(t, `"hey!"`, string(res.Payload), e.logs.String())
}

func TestJavaErrors(t *testing.T) {
	t.Parallel()
	e := startEnv(t, "java17", map[string]string{"example/Boom.java": `package example;
import java.util.Map;
public class Boom {
    public Object handleRequest(Map<String, Object> event) {
        if (event.containsKey("cause")) throw new IllegalStateException("outer", new java.io.IOException("inner"));
        return fail();
    }
    private Object fail() {
        throw new RuntimeException("Some exception was raised.");
    }
}
`}, envOptions{handler: "example.Boom::handleRequest"})
	for range 2 { // the environment stays warm after an error
		res := e.mustInvoke(`{}`)
		require.Equal(t, runtimeapi.FunctionUnhandled, res.FunctionError)
		require.Equal(t, runtimeapi.ErrorType("java.lang.RuntimeException"), res.ErrorType)
		require.Equal(t, `{"errorMessage":"Some exception was raised.","errorType":"java.lang.RuntimeException","stackTrace":["example.Boom.fail(Boom.java:9)","example.Boom.handleRequest(Boom.java:6)"]}`, string(res.Payload))
	}
	res := e.mustInvoke(`{"cause":1}`)
	require.Equal(t, `{"errorMessage":"outer","errorType":"java.lang.IllegalStateException","stackTrace":["example.Boom.handleRequest(Boom.java:5)"],"cause":{"errorMessage":"inner","errorType":"java.io.IOException","stackTrace":["example.Boom.handleRequest(Boom.java:5)"]}}`, string(res.Payload))
	e.waitLogs("java.lang.RuntimeException: Some exception was raised.\n\tat example.Boom.fail(Boom.java:9)")
}

func TestJavaInitErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		files   map[string]string
		handler string
		want    string
	}{
		{
			name: "class not found", files: map[string]string{}, handler: "x.Y::handleRequest",
			want: `{"errorMessage":"Class not found: x.Y","errorType":"java.lang.ClassNotFoundException","stackTrace":[]}`,
		},
		{
			name: "method not found", files: map[string]string{"A.java": "public class A { public String other(String s) { return s; } }\n"}, handler: "A::handle",
			want: `{"errorMessage":"No public method named handle with appropriate method signature found on class A","errorType":"java.lang.NoSuchMethodException","stackTrace":[]}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := startEnv(t, "java17", tc.files, envOptions{handler: tc.handler})
			var ie *runtimeapi.InitError
			require.ErrorAs(t, e.waitInit(), &ie, e.logs.String())
			require.Equal(t, tc.want, string(ie.Payload))
			<-e.exited
			require.Equal(t, 1, e.cmd.ProcessState.ExitCode())
		})
	}
	t.Run("compile error", func(t *testing.T) {
		t.Parallel()
		e := startEnv(t, "java17", map[string]string{"A.java": "public class A { int x = ; }\n"}, envOptions{handler: "A::handle"})
		var ie *runtimeapi.InitError
		require.ErrorAs(t, e.waitInit(), &ie, e.logs.String())
		require.Contains(t, string(ie.Payload), `"errorType":"Runtime.CompileError"`)
		require.Contains(t, string(ie.Payload), "A.java:1: error: illegal start of expression")
	})
}

func TestJavaCommand(t *testing.T) {
	t.Parallel()
	r := &Runtime{ID: "java17", Family: FamilyJava, Interpreter: "/usr/lib/jvm/java-17/bin/java", entry: "runtime.jar"}
	require.Equal(t, []string{"/var/lang/bin/java", "-Xmx435m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
		"-XX:+ExitOnOutOfMemoryError", "-Djava.net.preferIPv4Stack=true", "-cp", "/var/runtime/runtime.jar", "gureum.Bootstrap"},
		r.Command(&Start{Interpreter: "/var/lang/bin/java", MemoryMB: 512}))
	require.Contains(t, r.Environ(&Start{}), "AWS_EXECUTION_ENV=AWS_Lambda_java17")
}
