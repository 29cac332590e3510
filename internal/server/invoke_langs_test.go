package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/lambda/bootstrap"
)

// Java, Ruby and .NET functions, from source, run in the sandbox.
func TestInvokeJavaRubyDotnet(t *testing.T) {
	t.Parallel()
	needSandbox(t)
	url := start(t, nil)
	ctx := context.Background()
	lc := awslambda.NewFromConfig(awsConfig(url, "test", "test"))
	for _, tc := range []struct {
		runtime lambdatypes.Runtime
		handler string
		files   map[string]string
		payload string
		want    string
	}{
		{lambdatypes.RuntimeRuby33, "app.handler", map[string]string{"app.rb": `
def handler(event:, context:)
  { "hello" => event["name"], "fn" => context.function_name }
end`}, `{"name":"민준"}`, `{"hello":"민준","fn":"fn-ruby3-3"}`},
		{lambdatypes.RuntimeJava17, "example.Hello::handleRequest", map[string]string{"example/Hello.java": `package example;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.HashMap;
import java.util.Map;
public class Hello implements RequestHandler<Map<String,Object>, Map<String,Object>> {
  public Map<String,Object> handleRequest(Map<String,Object> in, Context ctx) {
    Map<String,Object> out = new HashMap<>();
    out.put("hello", in.get("name"));
    out.put("fn", ctx.getFunctionName());
    return out;
  }
}`}, `{"name":"서연"}`, `{"hello":"서연","fn":"fn-java17"}`},
		{lambdatypes.RuntimeDotnet8, "Hello::Example.Hello::Handle", map[string]string{"Hello.cs": `using Amazon.Lambda.Core;
namespace Example {
  public class Hello {
    public string Handle(string input, ILambdaContext ctx) { return "hello " + input + " from " + ctx.FunctionName; }
  }
}`}, `"지호"`, `"hello 지호 from fn-dotnet8"`},
	} {
		t.Run(string(tc.runtime), func(t *testing.T) {
			t.Parallel()
			if _, err := bootstrap.For(string(tc.runtime)); err != nil {
				t.Skipf("%s cannot run on this host: %v", tc.runtime, err)
			}
			name := "fn-" + strings.ReplaceAll(string(tc.runtime), ".", "-")
			createFn(t, lc, name, tc.runtime, tc.handler, tc.files, func(in *awslambda.CreateFunctionInput) {
				in.MemorySize, in.Timeout = aws.Int32(512), aws.Int32(60)
			})
			out, err := lc.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String(name), Payload: []byte(tc.payload)})
			require.NoError(t, err)
			require.Nil(t, out.FunctionError, string(out.Payload))
			require.JSONEq(t, tc.want, string(out.Payload))
		})
	}
}
