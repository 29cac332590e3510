package gureum;

import com.amazonaws.services.lambda.runtime.Client;
import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.LambdaRuntime;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.HttpURLConnection;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * gureum's Lambda runtime client for Java, behaving like AWS's
 * aws-lambda-java-runtime-interface-client: it loads the handler named by
 * _HANDLER from /var/task (classes, lib/*.jar, and .java sources that it
 * compiles at its first start into java.io.tmpdir), then serves invocations
 * from the Runtime API.
 */
public final class Bootstrap {
    private static String api;

    public static void main(String[] args) throws Exception {
        api = "http://" + System.getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime";
        Invoker invoker;
        try {
            invoker = load(System.getenv("_HANDLER"), env("LAMBDA_TASK_ROOT", "/var/task"));
        } catch (Throwable t) {
            Map<String, Object> err = errorOf(t);
            String type = String.valueOf(err.get("errorType"));
            System.err.println("Error loading handler: " + err.get("errorMessage"));
            post("/init/error", Json.write(err).getBytes(StandardCharsets.UTF_8), type);
            System.exit(1);
            return;
        }
        while (true) {
            HttpURLConnection c = (HttpURLConnection) new URL(api + "/invocation/next").openConnection();
            c.setReadTimeout(0);
            byte[] event;
            try (InputStream in = c.getInputStream()) {
                event = in.readAllBytes();
            }
            String id = c.getHeaderField("Lambda-Runtime-Aws-Request-Id");
            String trace = c.getHeaderField("Lambda-Runtime-Trace-Id");
            if (trace != null) {
                System.setProperty("com.amazonaws.xray.traceHeader", trace);
            }
            Ctx ctx = new Ctx(id, c.getHeaderField("Lambda-Runtime-Invoked-Function-Arn"),
                    c.getHeaderField("Lambda-Runtime-Deadline-Ms"),
                    c.getHeaderField("Lambda-Runtime-Cognito-Identity"),
                    c.getHeaderField("Lambda-Runtime-Client-Context"));
            byte[] out;
            try {
                out = invoker.invoke(event, ctx);
            } catch (Throwable t) {
                Map<String, Object> err = errorOf(t);
                printError(t);
                post("/invocation/" + id + "/error", Json.write(err).getBytes(StandardCharsets.UTF_8),
                        String.valueOf(err.get("errorType")));
                continue;
            }
            post("/invocation/" + id + "/response", out, null);
        }
    }

    private static String env(String k, String def) {
        String v = System.getenv(k);
        return v == null || v.isEmpty() ? def : v;
    }

    private static void post(String path, byte[] body, String errorType) throws Exception {
        HttpURLConnection c = (HttpURLConnection) new URL(api + path).openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setFixedLengthStreamingMode(body.length);
        if (errorType != null) {
            c.setRequestProperty("Content-Type", "application/json");
            c.setRequestProperty("Lambda-Runtime-Function-Error-Type", errorType);
        }
        try (OutputStream o = c.getOutputStream()) {
            o.write(body);
        }
        c.getResponseCode();
        try (InputStream in = c.getInputStream()) {
            in.readAllBytes();
        } catch (Exception ignored) {
            // an error status: the body is in the error stream
        }
    }

    private static void printError(Throwable t) {
        Throwable u = unwrap(t);
        StringBuilder b = new StringBuilder();
        b.append(u.getClass().getName());
        if (u.getMessage() != null) b.append(": ").append(u.getMessage());
        b.append('\n');
        for (StackTraceElement e : userFrames(u)) b.append("\tat ").append(frame(e)).append('\n');
        synchronized (System.out) { System.out.print(b); System.out.flush(); }
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof InvocationTargetException && t.getCause() != null) t = t.getCause();
        return t;
    }

    /** The error document, as AWS's Java runtime writes it. */
    static Map<String, Object> errorOf(Throwable t) {
        t = unwrap(t);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("errorMessage", t.getMessage() == null ? null : t.getMessage());
        m.put("errorType", t instanceof InitException ? ((InitException) t).type : t.getClass().getName());
        List<Object> st = new ArrayList<>();
        for (StackTraceElement e : userFrames(t)) st.add(frame(e));
        m.put("stackTrace", st);
        if (t.getCause() != null && t.getCause() != t) m.put("cause", errorOf(t.getCause()));
        return m;
    }

    private static String frame(StackTraceElement e) {
        return e.getClassName() + "." + e.getMethodName() + "(" + (e.getFileName() == null ? "Unknown Source" : e.getFileName())
                + (e.getLineNumber() >= 0 ? ":" + e.getLineNumber() : "") + ")";
    }

    /** The frames above the runtime's reflective call of the handler. */
    private static List<StackTraceElement> userFrames(Throwable t) {
        List<StackTraceElement> out = new ArrayList<>();
        for (StackTraceElement e : t.getStackTrace()) {
            String c = e.getClassName();
            if (c.startsWith("jdk.internal.reflect.") || c.startsWith("java.lang.reflect.Method") || c.startsWith("gureum.Bootstrap")) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    static final class InitException extends RuntimeException {
        final String type;
        InitException(String type, String message) {
            super(message);
            this.type = type;
        }
    }

    interface Invoker {
        byte[] invoke(byte[] event, Context ctx) throws Throwable;
    }

    static Invoker load(String handler, String taskRoot) throws Throwable {
        if (handler == null || handler.isEmpty()) {
            throw new InitException("java.lang.ClassNotFoundException", "Class not found: ");
        }
        String cls = handler, method = null;
        int i = handler.indexOf("::");
        if (i >= 0) {
            cls = handler.substring(0, i);
            method = handler.substring(i + 2);
        }
        ClassLoader loader = classLoader(taskRoot);
        Thread.currentThread().setContextClassLoader(loader);
        Class<?> c;
        try {
            c = Class.forName(cls, true, loader);
        } catch (ClassNotFoundException e) {
            throw new InitException("java.lang.ClassNotFoundException", "Class not found: " + cls);
        }
        if (method == null && RequestStreamHandler.class.isAssignableFrom(c)) {
            RequestStreamHandler h = (RequestStreamHandler) c.getDeclaredConstructor().newInstance();
            return (event, ctx) -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                h.handleRequest(new ByteArrayInputStream(event), out, ctx);
                return out.toByteArray();
            };
        }
        if (method == null && RequestHandler.class.isAssignableFrom(c)) {
            method = "handleRequest";
        }
        if (method == null) {
            method = "handleRequest";
        }
        Method m = null;
        for (Method x : c.getMethods()) {
            if (!x.getName().equals(method) || x.isBridge() || x.isSynthetic()) continue;
            if (m == null || x.getParameterCount() > m.getParameterCount()) m = x;
        }
        if (m == null) {
            throw new InitException("java.lang.NoSuchMethodException", "No public method named " + method + " with appropriate method signature found on class " + c.getName());
        }
        Object target = Modifier.isStatic(m.getModifiers()) ? null : c.getDeclaredConstructor().newInstance();
        Type[] params = m.getGenericParameterTypes();
        Class<?>[] raw = m.getParameterTypes();
        final Method fm = m;
        if (raw.length >= 2 && InputStream.class.isAssignableFrom(raw[0]) && OutputStream.class.isAssignableFrom(raw[1])) {
            return (event, ctx) -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                Object[] a = raw.length == 3 ? new Object[]{new ByteArrayInputStream(event), out, ctx} : new Object[]{new ByteArrayInputStream(event), out};
                fm.invoke(target, a);
                return out.toByteArray();
            };
        }
        Type in = params.length > 0 ? params[0] : Object.class;
        if (in instanceof java.lang.reflect.TypeVariable) {
            in = requestType(c);
        }
        final Type input = in;
        final boolean isVoid = m.getReturnType() == void.class;
        return (event, ctx) -> {
            Object[] a = new Object[raw.length];
            if (raw.length > 0) {
                if (raw[0] == Context.class) {
                    a[0] = ctx;
                } else {
                    a[0] = Json.convert(Json.read(new String(event, StandardCharsets.UTF_8)), input);
                }
            }
            if (raw.length > 1) a[1] = ctx;
            Object r = fm.invoke(target, a);
            if (isVoid) return "null".getBytes(StandardCharsets.UTF_8);
            return Json.write(r).getBytes(StandardCharsets.UTF_8);
        };
    }

    /** The I of RequestHandler<I, O> that c implements, or Object. */
    private static Type requestType(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            for (Type t : k.getGenericInterfaces()) {
                if (t instanceof ParameterizedType && ((ParameterizedType) t).getRawType() == RequestHandler.class) {
                    return ((ParameterizedType) t).getActualTypeArguments()[0];
                }
            }
        }
        return Object.class;
    }

    /**
     * The function's class loader: /var/task, /var/task/lib/*.jar and, when
     * the package holds .java sources, their classes compiled at this first
     * start into java.io.tmpdir.
     */
    private static ClassLoader classLoader(String taskRoot) throws Exception {
        List<URL> urls = new ArrayList<>();
        Path root = Paths.get(taskRoot);
        List<Path> sources;
        try (Stream<Path> s = Files.walk(root)) {
            sources = s.filter(p -> p.toString().endsWith(".java") && Files.isRegularFile(p)).collect(Collectors.toList());
        }
        List<String> jars = new ArrayList<>();
        File[] libs = root.resolve("lib").toFile().listFiles();
        if (libs != null) {
            java.util.Arrays.sort(libs);
            for (File f : libs) {
                if (f.getName().endsWith(".jar")) jars.add(f.getPath());
            }
        }
        if (!sources.isEmpty()) {
            urls.add(compile(root, sources, jars).toUri().toURL());
        }
        urls.add(root.toUri().toURL());
        for (String j : jars) urls.add(new File(j).toURI().toURL());
        return new URLClassLoader(urls.toArray(new URL[0]), Bootstrap.class.getClassLoader());
    }

    /**
     * Compiles the package's .java sources into java.io.tmpdir, in a
     * directory named for their content hash: environments sharing the
     * temporary directory compile them once.
     */
    private static Path compile(Path root, List<Path> sources, List<String> jars) throws Exception {
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        List<Path> inputs = new ArrayList<>(sources);
        for (String j : jars) inputs.add(Paths.get(j));
        java.util.Collections.sort(inputs);
        for (Path p : inputs) {
            sha.update(root.relativize(p).toString().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(Files.readAllBytes(p));
        }
        for (String cp : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Paths.get(cp); // the runtime's own jar: its interfaces
            if (Files.isRegularFile(p)) sha.update(Files.readAllBytes(p));
        }
        StringBuilder hex = new StringBuilder();
        for (byte b : sha.digest()) hex.append(String.format("%02x", b));
        Path tmp = Paths.get(System.getProperty("java.io.tmpdir"));
        Path done = tmp.resolve("gureum-java-" + Runtime.version().feature() + "-" + hex.substring(0, 24));
        if (Files.isDirectory(done)) {
            return done;
        }
        javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("this Java runtime has no compiler for the package's .java sources");
        }
        Path out = Files.createTempDirectory(tmp, ".gureum-java-classes");
        List<String> args = new ArrayList<>(List.of("-nowarn", "-g", "-encoding", "UTF-8", "-d", out.toString(), "-cp",
                System.getProperty("java.class.path") + File.pathSeparator + root + (jars.isEmpty() ? "" : File.pathSeparator + String.join(File.pathSeparator, jars))));
        for (Path p : sources) args.add(p.toString());
        ByteArrayOutputStream diag = new ByteArrayOutputStream();
        int rc = javac.run(null, diag, diag, args.toArray(new String[0]));
        if (rc != 0) {
            String d = diag.toString(StandardCharsets.UTF_8).trim();
            System.out.println(d);
            throw new InitException("Runtime.CompileError", "Compilation of the function's .java sources failed: " + d);
        }
        try {
            Files.move(out, done, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.io.IOException e) {
            return Files.isDirectory(done) ? done : out; // another environment was first
        }
        return done;
    }

    /** The context passed to handlers. */
    static final class Ctx implements Context {
        final String id, arn;
        final long deadline;
        final CognitoIdentity identity;
        final ClientContext client;

        Ctx(String id, String arn, String deadline, String identity, String client) {
            this.id = id;
            this.arn = arn;
            long d;
            try { d = Long.parseLong(deadline); } catch (Exception e) { d = System.currentTimeMillis() + 3000; }
            this.deadline = d;
            this.identity = identity == null || identity.isEmpty() ? null : cognito(identity);
            this.client = client == null || client.isEmpty() ? null : clientContext(client);
        }

        public String getAwsRequestId() { return id; }
        public String getLogGroupName() { return System.getenv("AWS_LAMBDA_LOG_GROUP_NAME"); }
        public String getLogStreamName() { return System.getenv("AWS_LAMBDA_LOG_STREAM_NAME"); }
        public String getFunctionName() { return System.getenv("AWS_LAMBDA_FUNCTION_NAME"); }
        public String getFunctionVersion() { return System.getenv("AWS_LAMBDA_FUNCTION_VERSION"); }
        public String getInvokedFunctionArn() { return arn; }
        public CognitoIdentity getIdentity() { return identity; }
        public ClientContext getClientContext() { return client; }
        public int getRemainingTimeInMillis() { return (int) Math.max(0, deadline - System.currentTimeMillis()); }
        public int getMemoryLimitInMB() {
            try { return Integer.parseInt(System.getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")); } catch (Exception e) { return 128; }
        }
        public LambdaLogger getLogger() { return LambdaRuntime.getLogger(); }
    }

    @SuppressWarnings("unchecked")
    static CognitoIdentity cognito(String json) {
        Map<String, Object> m;
        try { m = (Map<String, Object>) Json.read(json); } catch (Exception e) { return null; }
        return new CognitoIdentity() {
            public String getIdentityId() { return str(m.get("cognitoIdentityId")); }
            public String getIdentityPoolId() { return str(m.get("cognitoIdentityPoolId")); }
        };
    }

    @SuppressWarnings("unchecked")
    static ClientContext clientContext(String json) {
        Map<String, Object> m;
        try { m = (Map<String, Object>) Json.read(json); } catch (Exception e) { return null; }
        Map<String, Object> cl = m.get("client") instanceof Map ? (Map<String, Object>) m.get("client") : Map.of();
        Client client = new Client() {
            public String getInstallationId() { return str(cl.get("installation_id")); }
            public String getAppTitle() { return str(cl.get("app_title")); }
            public String getAppVersionName() { return str(cl.get("app_version_name")); }
            public String getAppVersionCode() { return str(cl.get("app_version_code")); }
            public String getAppPackageName() { return str(cl.get("app_package_name")); }
        };
        return new ClientContext() {
            public Client getClient() { return client; }
            public Map<String, String> getCustom() { return strings(m.get("custom")); }
            public Map<String, String> getEnvironment() { return strings(m.get("env")); }
        };
    }

    static String str(Object o) { return o == null ? null : String.valueOf(o); }

    static Map<String, String> strings(Object o) {
        Map<String, String> out = new LinkedHashMap<>();
        if (o instanceof Map) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) out.put(String.valueOf(e.getKey()), str(e.getValue()));
        }
        return out;
    }
}
