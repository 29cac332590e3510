// gureum's Lambda runtime client for .NET (run by Mono): it loads the
// handler "Assembly::Namespace.Class::Method" from LAMBDA_TASK_ROOT (the
// assembly's .dll, or the package's .cs sources compiled with mcs at the
// first start into the temporary directory), then serves invocations from
// the Runtime API.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Tasks;
using Amazon.Lambda.Core;
using Gureum.Lambda;

namespace Gureum.Lambda
{
    class InitException : Exception
    {
        public readonly string Type;
        public InitException(string type, string message) : base(message) { Type = type; }
    }

    class Logger : ILambdaLogger
    {
        public void Log(string message) { LambdaLogger.Log(message); }
        public void LogLine(string message) { LambdaLogger.Log(message + Environment.NewLine); }
    }

    class Cognito : ICognitoIdentity
    {
        public string IdentityId { get; set; }
        public string IdentityPoolId { get; set; }
    }

    class ClientApp : IClientApplication
    {
        public string AppPackageName { get; set; }
        public string AppTitle { get; set; }
        public string AppVersionCode { get; set; }
        public string AppVersionName { get; set; }
        public string InstallationId { get; set; }
    }

    class ClientCtx : IClientContext
    {
        public IDictionary<string, string> Environment { get; set; }
        public IClientApplication Client { get; set; }
        public IDictionary<string, string> Custom { get; set; }
    }

    class Context : ILambdaContext
    {
        public string AwsRequestId { get; set; }
        public IClientContext ClientContext { get; set; }
        public string FunctionName { get { return Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME"); } }
        public string FunctionVersion { get { return Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_VERSION"); } }
        public ICognitoIdentity Identity { get; set; }
        public string InvokedFunctionArn { get; set; }
        public ILambdaLogger Logger { get { return new Logger(); } }
        public string LogGroupName { get { return Environment.GetEnvironmentVariable("AWS_LAMBDA_LOG_GROUP_NAME"); } }
        public string LogStreamName { get { return Environment.GetEnvironmentVariable("AWS_LAMBDA_LOG_STREAM_NAME"); } }
        public int MemoryLimitInMB
        {
            get { int m; return int.TryParse(Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"), out m) ? m : 128; }
        }
        public long DeadlineMs;
        public TimeSpan RemainingTime
        {
            get
            {
                long now = (long)(DateTime.UtcNow - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalMilliseconds;
                return TimeSpan.FromMilliseconds(Math.Max(0, DeadlineMs - now));
            }
        }
    }

    /// A minimal HTTP/1.1 client for the Runtime API on one kept-alive
    /// connection (Mono's HttpWebRequest costs half a second at start).
    class HttpClient
    {
        readonly string host;
        readonly int port;
        TcpClient conn;
        Stream stream;

        public HttpClient(string hostPort)
        {
            int i = hostPort.LastIndexOf(':');
            host = hostPort.Substring(0, i).Trim('[', ']');
            port = int.Parse(hostPort.Substring(i + 1));
        }

        public class Response
        {
            public int Status;
            public Dictionary<string, string> Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            public byte[] Body;

            public string Header(string name)
            {
                string v;
                return Headers.TryGetValue(name, out v) ? v : null;
            }
        }

        public Response Send(string method, string path, byte[] body, string errorType)
        {
            try
            {
                return Once(method, path, body, errorType);
            }
            catch (IOException)
            {
                Close(); // a stale kept-alive connection: retry once on a new one
                return Once(method, path, body, errorType);
            }
        }

        void Close()
        {
            if (conn != null) conn.Close();
            conn = null;
            stream = null;
        }

        Response Once(string method, string path, byte[] body, string errorType)
        {
            if (conn == null)
            {
                conn = new TcpClient();
                conn.NoDelay = true;
                conn.Connect(host, port);
                stream = new BufferedStream(conn.GetStream(), 65536);
            }
            var h = new StringBuilder();
            h.Append(method).Append(' ').Append(path).Append(" HTTP/1.1\r\nHost: ").Append(host).Append(':').Append(port).Append("\r\n");
            if (body != null)
            {
                h.Append("Content-Type: application/json\r\nContent-Length: ").Append(body.Length).Append("\r\n");
                if (errorType != null) h.Append("Lambda-Runtime-Function-Error-Type: ").Append(errorType.Replace("\r", "").Replace("\n", "")).Append("\r\n");
            }
            h.Append("\r\n");
            var hb = Encoding.UTF8.GetBytes(h.ToString());
            stream.Write(hb, 0, hb.Length);
            if (body != null) stream.Write(body, 0, body.Length);
            stream.Flush();

            var res = new Response();
            string status = ReadLine();
            var parts = status.Split(' ');
            if (parts.Length < 2) throw new IOException("bad HTTP status line: " + status);
            res.Status = int.Parse(parts[1]);
            string line;
            while ((line = ReadLine()).Length > 0)
            {
                int c = line.IndexOf(':');
                if (c > 0) res.Headers[line.Substring(0, c).Trim()] = line.Substring(c + 1).Trim();
            }
            var te = res.Header("Transfer-Encoding");
            if (te != null && te.ToLowerInvariant().Contains("chunked"))
            {
                var ms = new MemoryStream();
                while (true)
                {
                    var sz = ReadLine();
                    int semi = sz.IndexOf(';');
                    if (semi >= 0) sz = sz.Substring(0, semi);
                    int n = Convert.ToInt32(sz.Trim(), 16);
                    if (n == 0) { while (ReadLine().Length > 0) { } break; }
                    var chunk = ReadExactly(n);
                    ms.Write(chunk, 0, n);
                    ReadLine();
                }
                res.Body = ms.ToArray();
            }
            else
            {
                var cl = res.Header("Content-Length");
                res.Body = cl != null ? ReadExactly(int.Parse(cl)) : new byte[0];
            }
            var connection = res.Header("Connection");
            if (connection != null && connection.ToLowerInvariant() == "close") Close();
            return res;
        }

        byte[] ReadExactly(int n)
        {
            var b = new byte[n];
            int off = 0;
            while (off < n)
            {
                int r = stream.Read(b, off, n - off);
                if (r <= 0) throw new IOException("connection closed");
                off += r;
            }
            return b;
        }

        string ReadLine()
        {
            var b = new List<byte>(64);
            while (true)
            {
                int c = stream.ReadByte();
                if (c < 0) throw new IOException("connection closed");
                if (c == '\n') break;
                b.Add((byte)c);
            }
            if (b.Count > 0 && b[b.Count - 1] == '\r') b.RemoveAt(b.Count - 1);
            return Encoding.ASCII.GetString(b.ToArray());
        }
    }

    static class Bootstrap
    {
        const string prefix = "/2018-06-01/runtime";
        static HttpClient Http;

        static int Main()
        {
            Http = new HttpClient(Environment.GetEnvironmentVariable("AWS_LAMBDA_RUNTIME_API"));
            Func<byte[], Context, byte[]> invoke;
            try
            {
                invoke = Load(Environment.GetEnvironmentVariable("_HANDLER") ?? "",
                    Environment.GetEnvironmentVariable("LAMBDA_TASK_ROOT") ?? "/var/task");
            }
            catch (Exception e)
            {
                var err = ErrorOf(e);
                Console.Out.WriteLine(Json.Serialize(err));
                Post("/init/error", Encoding.UTF8.GetBytes(Json.Serialize(err)), (string)err["errorType"]);
                return 1;
            }
            while (true)
            {
                var res = Http.Send("GET", prefix + "/invocation/next", null, null);
                long deadline;
                long.TryParse(res.Header("Lambda-Runtime-Deadline-Ms"), out deadline);
                var evt = res.Body;
                var ctx = new Context
                {
                    AwsRequestId = res.Header("Lambda-Runtime-Aws-Request-Id"),
                    InvokedFunctionArn = res.Header("Lambda-Runtime-Invoked-Function-Arn"),
                    DeadlineMs = deadline,
                    Identity = Identity(res.Header("Lambda-Runtime-Cognito-Identity")),
                    ClientContext = Client(res.Header("Lambda-Runtime-Client-Context")),
                };
                var trace = res.Header("Lambda-Runtime-Trace-Id");
                if (trace != null) Environment.SetEnvironmentVariable("_X_AMZN_TRACE_ID", trace);
                byte[] output;
                try
                {
                    output = invoke(evt, ctx);
                }
                catch (Exception e)
                {
                    var err = ErrorOf(e);
                    Console.Out.WriteLine(Json.Serialize(err));
                    Post("/invocation/" + ctx.AwsRequestId + "/error", Encoding.UTF8.GetBytes(Json.Serialize(err)), (string)err["errorType"]);
                    continue;
                }
                Post("/invocation/" + ctx.AwsRequestId + "/response", output, null);
            }
        }

        static ICognitoIdentity Identity(string header)
        {
            if (string.IsNullOrEmpty(header)) return null;
            try
            {
                var m = (Dictionary<string, object>)Json.Parse(header);
                object id, pool;
                m.TryGetValue("cognitoIdentityId", out id);
                m.TryGetValue("cognitoIdentityPoolId", out pool);
                return new Cognito { IdentityId = id as string, IdentityPoolId = pool as string };
            }
            catch (Exception) { return null; }
        }

        static IDictionary<string, string> Strings(Dictionary<string, object> m, string key)
        {
            var o = new Dictionary<string, string>();
            object v;
            if (m.TryGetValue(key, out v) && v is Dictionary<string, object>)
                foreach (var e in (Dictionary<string, object>)v) o[e.Key] = e.Value == null ? null : e.Value.ToString();
            return o;
        }

        static IClientContext Client(string header)
        {
            if (string.IsNullOrEmpty(header)) return null;
            try
            {
                var m = (Dictionary<string, object>)Json.Parse(header);
                var c = Strings(m, "client");
                Func<string, string> g = k => { string s; return c.TryGetValue(k, out s) ? s : null; };
                return new ClientCtx
                {
                    Client = new ClientApp
                    {
                        InstallationId = g("installation_id"), AppTitle = g("app_title"), AppVersionName = g("app_version_name"),
                        AppVersionCode = g("app_version_code"), AppPackageName = g("app_package_name"),
                    },
                    Custom = Strings(m, "custom"),
                    Environment = Strings(m, "env"),
                };
            }
            catch (Exception) { return null; }
        }

        static void Post(string path, byte[] body, string errorType)
        {
            var res = Http.Send("POST", prefix + path, body, errorType);
            if (res.Status >= 300)
                Console.Error.WriteLine("runtime API " + path + ": " + res.Status + " " + Encoding.UTF8.GetString(res.Body));
        }

        static Exception Unwrap(Exception e)
        {
            while (true)
            {
                if (e is TargetInvocationException && e.InnerException != null) { e = e.InnerException; continue; }
                var ae = e as AggregateException;
                if (ae != null && ae.InnerExceptions.Count == 1) { e = ae.InnerExceptions[0]; continue; }
                return e;
            }
        }

        /// The error document, as AWS's .NET runtime writes it.
        static Dictionary<string, object> ErrorOf(Exception e)
        {
            e = Unwrap(e);
            var m = new Dictionary<string, object>();
            var ie = e as InitException;
            m["errorType"] = ie != null ? ie.Type : e.GetType().Name;
            m["errorMessage"] = e.Message;
            var st = new List<object>();
            if (ie == null && e.StackTrace != null)
            {
                foreach (var line in e.StackTrace.Split('\n'))
                {
                    var l = line.Trim();
                    if (l.Length == 0) continue;
                    if (l.StartsWith("at (wrapper") || l.StartsWith("at System.Reflection.") || l.StartsWith("at Gureum.Lambda.")) break;
                    st.Add(l);
                }
            }
            m["stackTrace"] = st;
            if (ie == null && e.InnerException != null) m["cause"] = ErrorOf(e.InnerException);
            return m;
        }

        static Func<byte[], Context, byte[]> Load(string handler, string taskRoot)
        {
            var parts = handler.Split(new[] { "::" }, StringSplitOptions.None);
            if (parts.Length != 3 || parts.Any(string.IsNullOrEmpty))
                throw new InitException("LambdaException",
                    "Invalid handler string '" + handler + "'. The handler string must be in the format 'ASSEMBLY::TYPE::METHOD'.");
            string asmName = parts[0], typeName = parts[1], methodName = parts[2];
            string rtDir = Path.GetDirectoryName(typeof(Bootstrap).Assembly.Location);
            AppDomain.CurrentDomain.AssemblyResolve += (s, a) =>
            {
                var n = new AssemblyName(a.Name).Name;
                foreach (var d in new[] { taskRoot, rtDir })
                    foreach (var ext in new[] { ".dll", ".exe" })
                    {
                        var p = Path.Combine(d, n + ext);
                        if (File.Exists(p)) return Assembly.LoadFrom(p);
                    }
                return null;
            };
            string asmPath = Path.Combine(taskRoot, asmName + ".dll");
            if (!File.Exists(asmPath))
            {
                var sources = Directory.GetFiles(taskRoot, "*.cs", SearchOption.AllDirectories);
                if (sources.Length == 0)
                    throw new InitException("LambdaException",
                        "Could not find the specified handler assembly with the file name '" + asmName +
                        "'. The assembly should be located in the root of your uploaded .zip file.");
                asmPath = Compile(asmName, taskRoot, rtDir, sources);
            }
            Assembly asm = Assembly.LoadFrom(asmPath);
            Type type = asm.GetType(typeName);
            if (type == null)
                throw new InitException("LambdaException", "Unable to load type '" + typeName + "' from assembly '" + asmName + "'.");
            var methods = type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static)
                .Where(x => x.Name == methodName).ToArray();
            if (methods.Length == 0)
                throw new InitException("LambdaException",
                    "Unable to find method '" + methodName + "' in type '" + typeName + "' from assembly '" + asmName + "': Found no methods matching method name '" + methodName + "'.");
            if (methods.Length > 1)
                throw new InitException("LambdaException",
                    "The method '" + methodName + "' in type '" + typeName + "' from assembly '" + asmName + "' has overloads: Lambda cannot choose one.");
            var m = methods[0];
            object target = m.IsStatic ? null : Activator.CreateInstance(type);
            var ps = m.GetParameters();
            if (ps.Length > 2)
                throw new InitException("LambdaException", "Handler '" + methodName + "' has more than 2 parameters.");
            return (evt, ctx) =>
            {
                var args = new object[ps.Length];
                for (int i = 0; i < ps.Length; i++)
                {
                    var pt = ps[i].ParameterType;
                    if (pt == typeof(ILambdaContext)) args[i] = ctx;
                    else if (typeof(Stream).IsAssignableFrom(pt)) args[i] = new MemoryStream(evt, false);
                    else args[i] = Json.Deserialize(Encoding.UTF8.GetString(evt), pt);
                }
                object r = m.Invoke(target, args);
                var rt = m.ReturnType;
                var task = r as Task;
                if (task != null)
                {
                    task.Wait();
                    if (rt.IsGenericType)
                    {
                        r = rt.GetProperty("Result").GetValue(task, null);
                        rt = rt.GetGenericArguments()[0];
                    }
                    else
                    {
                        rt = typeof(void);
                    }
                }
                if (rt == typeof(void)) return new byte[0];
                var stream = r as Stream;
                if (stream != null)
                {
                    using (var ms = new MemoryStream()) { stream.CopyTo(ms); return ms.ToArray(); }
                }
                return Encoding.UTF8.GetBytes(Json.Serialize(r));
            };
        }

        /// Compiles the package's C# sources with Mono's mcs into the temporary
        /// directory (once per content hash), returning the assembly's path.
        static string Compile(string asmName, string taskRoot, string rtDir, string[] sources)
        {
            Array.Sort(sources, StringComparer.Ordinal);
            var refs = new List<string> { Path.Combine(rtDir, "Amazon.Lambda.Core.dll") };
            refs.AddRange(Directory.GetFiles(taskRoot, "*.dll").OrderBy(x => x, StringComparer.Ordinal));
            string hash;
            using (var sha = SHA256.Create())
            {
                var all = new MemoryStream();
                foreach (var f in sources.Concat(refs))
                {
                    var name = f.StartsWith(taskRoot) ? f.Substring(taskRoot.Length) : Path.GetFileName(f);
                    var b = Encoding.UTF8.GetBytes(name + "\n");
                    all.Write(b, 0, b.Length);
                    b = File.ReadAllBytes(f);
                    all.Write(b, 0, b.Length);
                }
                hash = BitConverter.ToString(sha.ComputeHash(all.ToArray())).Replace("-", "").Substring(0, 16).ToLowerInvariant();
            }
            // Environments sharing the temporary directory reuse the assembly;
            // each compiles into its own directory, renamed into place.
            string outDir = Path.Combine(Path.GetTempPath(), "gureum-dotnet-" + hash);
            string final = Path.Combine(outDir, asmName + ".dll");
            if (File.Exists(final)) return final;
            string stage = outDir + "." + Process.GetCurrentProcess().Id + "." + Guid.NewGuid().ToString("N");
            Directory.CreateDirectory(stage);
            string output = Path.Combine(stage, asmName + ".dll");
            string mcs = Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location), "mcs.exe");
            string mono = Process.GetCurrentProcess().MainModule.FileName;
            var sb = new StringBuilder();
            sb.Append('"').Append(mcs).Append("\" -nologo -nowarn:1591 -target:library -debug -out:\"").Append(output).Append(".tmp\"");
            string fx = Path.GetDirectoryName(typeof(object).Assembly.Location);
            foreach (var lib in new[] { "System.dll", "System.Core.dll", "System.Net.Http.dll", "System.Xml.dll", "System.Xml.Linq.dll", "Microsoft.CSharp.dll" })
                if (File.Exists(Path.Combine(fx, lib))) sb.Append(" -r:").Append(lib);
            foreach (var r in refs) sb.Append(" \"-r:").Append(r).Append('"');
            foreach (var s in sources) sb.Append(" \"").Append(s).Append('"');
            var psi = new ProcessStartInfo(mono, sb.ToString())
            {
                UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
            };
            using (var p = Process.Start(psi))
            {
                var so = p.StandardOutput.ReadToEndAsync();
                var se = p.StandardError.ReadToEnd();
                p.WaitForExit();
                var diag = (so.Result + se).Trim();
                if (p.ExitCode != 0)
                {
                    Console.Out.WriteLine(diag);
                    throw new InitException("LambdaException", "Compilation of the function's C# sources failed: " + diag);
                }
            }
            if (File.Exists(output + ".tmp.mdb")) File.Move(output + ".tmp.mdb", output + ".mdb");
            File.Move(output + ".tmp", output);
            try
            {
                Directory.Move(stage, outDir);
            }
            catch (IOException)
            {
                return File.Exists(final) ? final : output; // another environment was first
            }
            return final;
        }
    }
}
