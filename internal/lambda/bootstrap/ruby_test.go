package bootstrap

import (
	"strings"
	"testing"

	"github.com/gureum-dev/gureum/internal/lambda/runtimeapi"
	"github.com/stretchr/testify/require"
)

var rubyRuntimes = []string{"ruby3.2", "ruby3.3", "ruby3.4"}

func TestRubyHandlers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		files   map[string]string
		handler string
		event   string
		want    string
	}{
		{
			name: "method",
			files: map[string]string{"function.rb": `$count = 0
def handler(event:, context:)
  $count += 1
  puts "hello from ruby"
  { hello: event['name'], n: $count, fn: context.function_name, id: context.aws_request_id,
    mem: context.memory_limit_in_mb, remaining: context.get_remaining_time_in_millis > 0, pid: Process.pid > 0 }
end
`},
			handler: "function.handler", event: `{"name":"world"}`,
			want: `{"hello":"world","n":N,"fn":"fn","id":"ID","mem":"128","remaining":true,"pid":true}`,
		},
		{
			name: "class method",
			files: map[string]string{"lib/app.rb": `module App
  class Handler
    def self.process(event:, context:)
      [event, context.function_version]
    end
  end
end
`},
			handler: "lib/app.App::Handler.process", event: `"text"`, want: `["text","$LATEST"]`,
		},
		{
			name: "rubygems loaded when the function needs it",
			files: map[string]string{"g.rb": "def h(event:, context:)\n  [defined?(Gem) ? 'gems' : 'none', Gem::Version.new('1.2') < Gem::Version.new('1.10')]\nend\n",
				"Gemfile": "source 'https://rubygems.org'\n"},
			handler: "g.h", event: `{}`, want: `["gems",true]`,
		},
		{
			name:    "no rubygems by default",
			files:   map[string]string{"g.rb": "def h(event:, context:)\n  defined?(Gem) ? 'gems' : 'none'\nend\n"},
			handler: "g.h", event: `{}`, want: `"none"`,
		},
		{
			name:    "nil",
			files:   map[string]string{"f.rb": "def h(event:, context:)\nend\n"},
			handler: "f.h", event: `{}`, want: `null`,
		},
	} {
		for _, id := range rubyRuntimes {
			t.Run(tc.name+"/"+id, func(t *testing.T) {
				t.Parallel()
				e := startEnv(t, id, tc.files, envOptions{handler: tc.handler})
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
}

func TestRubyErrors(t *testing.T) {
	t.Parallel()
	e := startEnv(t, "ruby3.3", map[string]string{"function.rb": `def inner
  raise ArgumentError, 'Some exception was raised.'
end

def handler(event:, context:)
  inner
end
`}, envOptions{handler: "function.handler"})
	for range 2 { // the environment stays warm after an error
		res := e.mustInvoke(`{}`)
		require.Equal(t, runtimeapi.FunctionUnhandled, res.FunctionError)
		require.Equal(t, runtimeapi.ErrorType("Function<ArgumentError>"), res.ErrorType)
		want := strings.ReplaceAll(`{"errorMessage":"Some exception was raised.","errorType":"Function<ArgumentError>","stackTrace":["TASK/function.rb:2:in `+"`inner'"+`","TASK/function.rb:6:in `+"`handler'"+`",`, "TASK", e.task)
		require.True(t, strings.HasPrefix(string(res.Payload), want), "%s", res.Payload)
	}
	e.waitLogs(`"errorType":"Function<ArgumentError>"`)
}

func TestRubyInitErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		files   map[string]string
		handler string
		typ     string
		msg     string
	}{
		{
			name: "file missing", files: map[string]string{}, handler: "nope.handler",
			typ: "Init<LoadError>", msg: "cannot load such file -- TASK/nope",
		},
		{
			name: "dependency missing", files: map[string]string{"f.rb": "require 'not_a_gem_here'\ndef h(event:, context:); end\n"}, handler: "f.h",
			typ: "Init<LoadError>", msg: "cannot load such file -- not_a_gem_here",
		},
		{
			name: "syntax error", files: map[string]string{"f.rb": "def h(event:, context:)\n"}, handler: "f.h",
			typ: "Init<SyntaxError>", msg: "TASK/f.rb:",
		},
		{
			name: "method missing", files: map[string]string{"f.rb": "def other(event:, context:); end\n"}, handler: "f.h",
			typ: "Init<NameError>", msg: "undefined method `h' for main",
		},
		{
			name: "bad handler", files: map[string]string{}, handler: "handler",
			typ: "Init<ArgumentError>", msg: `Invalid handler ["handler"], must be of form FILENAME.METHOD or FILENAME.CLASS.METHOD`,
		},
		{
			name: "exception at load", files: map[string]string{"f.rb": "raise 'init failed'\n"}, handler: "f.h",
			typ: "Init<RuntimeError>", msg: "init failed",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := startEnv(t, "ruby3.2", tc.files, envOptions{handler: tc.handler})
			var ie *runtimeapi.InitError
			require.ErrorAs(t, e.waitInit(), &ie, e.logs.String())
			require.Equal(t, runtimeapi.ErrorType(tc.typ), ie.Type)
			p := jsonOf(t, ie.Payload)
			require.Equal(t, tc.typ, p["errorType"])
			require.Contains(t, p["errorMessage"], strings.ReplaceAll(tc.msg, "TASK", e.task))
			require.Contains(t, p, "stackTrace")
			<-e.exited
			require.Equal(t, 1, e.cmd.ProcessState.ExitCode())
		})
	}
}

func TestRubyEnviron(t *testing.T) {
	t.Parallel()
	r := &Runtime{ID: "ruby3.3", Family: FamilyRuby, Interpreter: "/usr/bin/ruby3.1", Version: "3.1.2", entry: "bootstrap.rb"}
	require.Equal(t, []string{"/usr/bin/ruby3.1", "--disable-gems", "/var/runtime/bootstrap.rb"}, r.Command(&Start{}))
	env := r.Environ(&Start{})
	require.Contains(t, env, "AWS_EXECUTION_ENV=AWS_Lambda_ruby3.3")
	require.Contains(t, env, "GEM_PATH=/var/task/vendor/bundle/ruby/3.1.0:/opt/ruby/gems/3.1.0")
	require.Contains(t, env, "RUBYLIB=/var/task:/var/runtime/lib:/opt/ruby/lib")
}
