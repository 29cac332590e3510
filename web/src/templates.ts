// Starter code for a new function, per runtime family: the files and the
// handler, as AWS's console offers a "Hello world" for each runtime.

export interface Starter {
  handler: string;
  files: Record<string, string>;
}

export function starterFor(family: string): Starter {
  switch (family) {
    case "nodejs":
      return {
        handler: "index.handler",
        files: {
          "index.js": `exports.handler = async (event, context) => {
  console.log("event:", JSON.stringify(event));
  return {
    statusCode: 200,
    body: JSON.stringify({ message: "Hello from gureum!", requestId: context.awsRequestId }),
  };
};
`,
        },
      };
    case "python":
      return {
        handler: "lambda_function.lambda_handler",
        files: {
          "lambda_function.py": `import json


def lambda_handler(event, context):
    print("event:", json.dumps(event))
    return {
        "statusCode": 200,
        "body": json.dumps({"message": "Hello from gureum!", "requestId": context.aws_request_id}),
    }
`,
        },
      };
    case "ruby":
      return {
        handler: "lambda_function.lambda_handler",
        files: {
          "lambda_function.rb": `require 'json'

def lambda_handler(event:, context:)
  puts "event: #{event.to_json}"
  { statusCode: 200, body: { message: 'Hello from gureum!', requestId: context.aws_request_id }.to_json }
end
`,
        },
      };
    case "java":
      return {
        handler: "example.Hello::handleRequest",
        files: {
          "example/Hello.java": `package example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.LinkedHashMap;
import java.util.Map;

public class Hello implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        context.getLogger().log("event: " + event + "\\n");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("statusCode", 200);
        out.put("message", "Hello from gureum!");
        out.put("requestId", context.getAwsRequestId());
        return out;
    }
}
`,
        },
      };
    case "dotnet":
      return {
        handler: "Function::Example.Function::Handler",
        files: {
          "Function.cs": `using System.Collections.Generic;
using Amazon.Lambda.Core;

[assembly: LambdaSerializer(typeof(Amazon.Lambda.Serialization.SystemTextJson.DefaultLambdaJsonSerializer))]

namespace Example
{
    public class Function
    {
        public Dictionary<string, object> Handler(Dictionary<string, object> input, ILambdaContext context)
        {
            context.Logger.LogLine("hello from dotnet");
            return new Dictionary<string, object> { { "statusCode", 200 }, { "message", "Hello from gureum!" } };
        }
    }
}
`,
        },
      };
    default: // provided.*: the package's bootstrap speaks the Runtime API itself
      return {
        handler: "function.handler",
        files: {
          bootstrap: `#!/bin/sh
# A custom runtime: fetch the next event from the Runtime API, answer it.
set -eu
api="http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
while true; do
  headers=$(mktemp)
  event=$(curl -sS -D "$headers" "$api/invocation/next")
  id=$(grep -i '^lambda-runtime-aws-request-id:' "$headers" | tr -d '\\r' | cut -d' ' -f2)
  echo "event: $event"
  curl -sS -X POST "$api/invocation/$id/response" -d '{"message":"Hello from gureum!"}' >/dev/null
  rm -f "$headers"
done
`,
        },
      };
  }
}
