// gureum's copy of the Amazon.Lambda.Core interfaces, so that functions
// written for AWS's .NET runtime compile unmodified with Mono's mcs.
using System;
using System.Collections.Generic;
using System.IO;

namespace Amazon.Lambda.Core
{
    public interface ILambdaLogger
    {
        void Log(string message);
        void LogLine(string message);
    }

    public interface ICognitoIdentity
    {
        string IdentityId { get; }
        string IdentityPoolId { get; }
    }

    public interface IClientApplication
    {
        string AppPackageName { get; }
        string AppTitle { get; }
        string AppVersionCode { get; }
        string AppVersionName { get; }
        string InstallationId { get; }
    }

    public interface IClientContext
    {
        IDictionary<string, string> Environment { get; }
        IClientApplication Client { get; }
        IDictionary<string, string> Custom { get; }
    }

    public interface ILambdaContext
    {
        string AwsRequestId { get; }
        IClientContext ClientContext { get; }
        string FunctionName { get; }
        string FunctionVersion { get; }
        ICognitoIdentity Identity { get; }
        string InvokedFunctionArn { get; }
        ILambdaLogger Logger { get; }
        string LogGroupName { get; }
        string LogStreamName { get; }
        int MemoryLimitInMB { get; }
        TimeSpan RemainingTime { get; }
    }

    public interface ILambdaSerializer
    {
        T Deserialize<T>(Stream requestStream);
        void Serialize<T>(T response, Stream responseStream);
    }

    [AttributeUsage(AttributeTargets.Assembly | AttributeTargets.Method)]
    public sealed class LambdaSerializerAttribute : Attribute
    {
        public LambdaSerializerAttribute(Type serializerType) { SerializerType = serializerType; }
        public Type SerializerType { get; set; }
    }

    public static class LambdaLogger
    {
        static readonly object mu = new object();

        public static void Log(string message)
        {
            lock (mu) { Console.Out.Write(message); Console.Out.Flush(); }
        }
    }
}

namespace Amazon.Lambda.Serialization.SystemTextJson
{
    using Amazon.Lambda.Core;

    /// A JSON serializer standing in for AWS's DefaultLambdaJsonSerializer.
    public class DefaultLambdaJsonSerializer : ILambdaSerializer
    {
        public T Deserialize<T>(Stream requestStream)
        {
            using (var r = new StreamReader(requestStream)) return (T)Gureum.Lambda.Json.Deserialize(r.ReadToEnd(), typeof(T));
        }

        public void Serialize<T>(T response, Stream responseStream)
        {
            var b = System.Text.Encoding.UTF8.GetBytes(Gureum.Lambda.Json.Serialize(response));
            responseStream.Write(b, 0, b.Length);
        }
    }

    public class LambdaJsonSerializer : DefaultLambdaJsonSerializer { }
}

namespace Amazon.Lambda.Serialization.Json
{
    public class JsonSerializer : Amazon.Lambda.Serialization.SystemTextJson.DefaultLambdaJsonSerializer { }
}
