"""gureum's Python runtime client.

The Lambda Runtime API loop with the behaviour of AWS's managed python3.x
runtimes (awslambdaric): handler loading and its init errors, the context
object, response marshalling, error payloads byte for byte, and log lines.

Started as `python3.X -S -u bootstrap_main.py`: -S skips the site module (whose
.pth processing can cost tens of milliseconds) and this file puts the
interpreter's site-packages on sys.path itself, in Lambda's order, so that
boto3 stays importable when the host has it. Only cheap modules are imported
before the handler; logging is configured when the function first imports
it, and traceback only when something fails.
"""

import os
import sys
import time

import _socket

# --------------------------------------------------------------------------
# sys.path as on Lambda: the task, the layers, the interpreter's packages,
# the runtime, the standard library.


def _setup_path():
    runtime_dir = os.path.dirname(os.path.abspath(__file__))
    rest = [p for p in sys.path if p and os.path.abspath(p) != runtime_dir]
    version = "python%d.%d" % sys.version_info[:2]
    front = [
        os.environ.get("LAMBDA_TASK_ROOT", "/var/task"),
        "/opt/python/lib/%s/site-packages" % version,
        "/opt/python",
    ]
    try:
        import site  # with -S, importing site does not process anything

        site_dirs = [d for d in site.getsitepackages() if os.path.isdir(d)]
    except Exception:
        site_dirs = []
    sys.path[:] = front + [d for d in site_dirs if d not in rest] + [runtime_dir] + rest


_setup_path()

# --------------------------------------------------------------------------
# Errors (lambda_runtime_exception.py, bootstrap.py)


class FaultException(Exception):
    MARSHAL_ERROR = "Runtime.MarshalError"
    UNMARSHAL_ERROR = "Runtime.UnmarshalError"
    USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
    HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
    IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
    BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
    MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
    LAMBDA_CONTEXT_UNMARSHAL_ERROR = "Runtime.LambdaContextUnmarshalError"

    def __init__(self, exception_type, msg, trace=None):
        self.msg = msg
        self.exception_type = exception_type
        self.trace = trace


def make_error(error_message, error_type, stack_trace, invoke_id=None):
    return {
        "errorMessage": error_message if error_message else "",
        "errorType": error_type if error_type else "",
        "requestId": invoke_id if invoke_id is not None else "",
        "stackTrace": stack_trace if stack_trace else [],
    }


def build_fault_result(exc_info, invoke_id):
    """The error of an exception raised by user code: its frames from the
    first one outside this file, formatted like traceback.format_list."""
    import traceback

    etype, value, tb = exc_info
    tb_tuples = [(f.filename, f.lineno, f.name, f.line) for f in traceback.extract_tb(tb)]
    for i in range(len(tb_tuples)):
        if "/bootstrap.py" not in tb_tuples[i][0]:
            tb_tuples = tb_tuples[i:]
            break
    return make_error(str(value), etype.__name__, traceback.format_list(tb_tuples), invoke_id)


# --------------------------------------------------------------------------
# JSON (lambda_runtime_marshaller.py): responses as Lambda's encoder writes
# them (", " and ": " separators; non-ASCII kept as is from python3.12 on),
# error payloads with the same separators (awslambdaric's to_json is
# json.dumps; Step Functions' recorded causes show these bytes).
#
# The json package imports re, enum and functools: a third of this runtime's
# start-up. Its C accelerator (_json) does the work without them and gives
# the same bytes (it is what json.dumps and json.loads run); the json package
# is imported only for what _json does not do (decoding errors, unusual
# encodings), so that its messages are the usual ones.

_ENSURE_ASCII = os.environ.get("AWS_EXECUTION_ENV") not in ("AWS_Lambda_python3.12", "AWS_Lambda_python3.13")

try:
    import _json
except ImportError:  # a Python built without the accelerator
    _json = None


class _ScannerContext(object):
    """The attributes of json.JSONDecoder that _json.make_scanner reads."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}.__getitem__


_scan_once = _json.make_scanner(_ScannerContext()) if _json else None


def json_loads(b):
    """json.loads(b) for the bytes of an event or a header."""
    if _scan_once is not None:
        try:
            if isinstance(b, bytes):
                # json.detect_encoding: anything but plain UTF-8 takes the
                # slow path.
                if b[:3] == b"\xef\xbb\xbf" or (len(b) >= 2 and (not b[0] or not b[1])):
                    raise ValueError
                s = b.decode("utf-8", "surrogatepass")
            else:
                s = b
            start = len(s) - len(s.lstrip(" \t\n\r"))
            obj, end = _scan_once(s, start)
            if not s[end:].strip(" \t\n\r"):
                return obj
        except Exception:
            pass
    import json

    return json.loads(b)


class _Encoder(object):
    """json.JSONEncoder(ensure_ascii=_ENSURE_ASCII, separators=...).encode,
    with Decimals written as their exact digits, as Lambda's encoder does."""

    def __init__(self, separators, ensure_ascii=None):
        self.item_separator, self.key_separator = separators
        self.ensure_ascii = _ENSURE_ASCII if ensure_ascii is None else ensure_ascii
        if _json:
            self.encode_str = _json.encode_basestring_ascii if self.ensure_ascii else _json.encode_basestring
        self.raw = None

    def default(self, obj):
        decimal = sys.modules.get("decimal")
        if decimal is not None and isinstance(obj, decimal.Decimal):
            if obj.is_nan():
                return float("nan")
            if self.raw is None:
                self.raw = {}
            token = "\x00decimal%d\x00" % len(self.raw)
            self.raw['"\\u0000decimal%d\\u0000"' % len(self.raw)] = str(obj)
            return token
        raise TypeError(f"Object of type {obj.__class__.__name__} is not JSON serializable")

    def encode(self, obj):
        self.raw = None
        if not _json:
            import json

            s = json.JSONEncoder(
                ensure_ascii=self.ensure_ascii, separators=(self.item_separator, self.key_separator), default=self.default
            ).encode(obj)
        elif isinstance(obj, str):
            return self.encode_str(obj)
        else:
            iterencode = _json.make_encoder(
                {}, self.default, self.encode_str, None, self.key_separator, self.item_separator, False, False, True
            )
            s = "".join(iterencode(obj, 0))
        if self.raw:
            for token, digits in self.raw.items():
                s = s.replace(token, digits)
        return s


_response_encoder = _Encoder((", ", ": "))
_error_encoder = _Encoder((", ", ": "))  # awslambdaric: json.dumps defaults
_compact_encoder = _Encoder((",", ":"))  # the JSON [ERROR] log record
_log_encoder = _Encoder((", ", ": "), ensure_ascii=False)  # JSON log records


def to_json(obj):
    return _error_encoder.encode(obj)


def marshal_response(response):
    if isinstance(response, bytes):
        return response, "application/unknown"
    try:
        return _response_encoder.encode(response).encode("utf-8"), "application/json"
    except Exception as e:
        raise FaultException(FaultException.MARSHAL_ERROR, "Unable to marshal response: {}".format(str(e)), None)


def unmarshal_request(body, content_type):
    if content_type != "application/json":
        return body
    try:
        return json_loads(body)
    except Exception as e:
        raise FaultException(FaultException.UNMARSHAL_ERROR, "Unable to unmarshal input: {}".format(str(e)), None)


# --------------------------------------------------------------------------
# Logging (bootstrap.py, lambda_runtime_log_utils.py): print() lines go to
# stdout as they are; records of the logging module become
# "[LEVEL]\t<time>Z\t<request id>\t<message>"; unhandled errors are one
# record with \r between lines. AWS_LAMBDA_LOG_FORMAT=JSON makes records
# and errors JSON objects; AWS_LAMBDA_LOG_LEVEL sets the root logger's level.

ERROR_LOG_LINE_TERMINATE = "\r"
ERROR_LOG_IDENT = "\u00a0"  # NO-BREAK SPACE
_LOG_FORMAT_JSON = (os.environ.get("AWS_LAMBDA_LOG_FORMAT") or "").upper() == "JSON"
_LOG_LEVEL = {None: "", "TRACE": "DEBUG"}.get(os.environ.get("AWS_LAMBDA_LOG_LEVEL"), os.environ.get("AWS_LAMBDA_LOG_LEVEL") or "").upper()
_DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S"

_GLOBAL_AWS_REQUEST_ID = None


def _log(msg):
    sys.stdout.write(msg)


def _replace_line_indentation(line, indent_char, new_indent_char):
    n = 0
    for c in line:
        if c != indent_char:
            break
        n += 1
    return (new_indent_char * n) + line[n:]


def log_error(error_result):
    if _LOG_FORMAT_JSON:
        record = {"timestamp": time.strftime(_DATETIME_FORMAT, time.gmtime()), "level": "ERROR"}
        record.update(error_result)
        _log(_compact_encoder.encode(record) + "\n")
        return
    description = "[ERROR]"
    error_type = error_result.get("errorType")
    if error_type:
        description += " " + error_type
    error_message = error_result.get("errorMessage")
    if error_message:
        if error_type:
            description += ":"
        description += " " + error_message
    lines = [description]
    stack_trace = error_result.get("stackTrace")
    if stack_trace is not None:
        lines.append("Traceback (most recent call last):")
        for element in stack_trace:
            if element == "":
                lines.append("")
            else:
                for line in element.splitlines():
                    lines.append(_replace_line_indentation(line, " ", ERROR_LOG_IDENT))
    _log(ERROR_LOG_LINE_TERMINATE.join(lines) + "\n")


def _setup_logging(logging):
    """Installs Lambda's handler on the root logger of a freshly imported
    logging module."""

    class LambdaLoggerHandler(logging.Handler):
        def emit(self, record):
            _log(self.format(record))

    class LambdaLoggerFilter(logging.Filter):
        def filter(self, record):
            record.aws_request_id = _GLOBAL_AWS_REQUEST_ID or ""
            return True

    logging.Formatter.converter = time.gmtime
    logger = logging.getLogger()
    handler = LambdaLoggerHandler()
    if _LOG_FORMAT_JSON:
        handler.setFormatter(_json_formatter(logging)())
    else:
        handler.setFormatter(
            logging.Formatter(
                "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
                _DATETIME_FORMAT,
            )
        )
    handler.addFilter(LambdaLoggerFilter())
    logger.addHandler(handler)
    if _LOG_LEVEL in logging._nameToLevel:
        logger.setLevel(_LOG_LEVEL)


_RESERVED_RECORD_FIELDS = {
    "name", "msg", "args", "levelname", "levelno", "pathname", "filename", "module", "exc_info", "exc_text",
    "stack_info", "lineno", "funcName", "created", "msecs", "relativeCreated", "thread", "threadName",
    "processName", "process", "aws_request_id", "tenant_id", "_frame_type",
}


def _json_formatter(logging):
    """awslambdaric's JsonFormatter."""

    class JsonFormatter(logging.Formatter):
        def __init__(self):
            super().__init__(datefmt=_DATETIME_FORMAT)

        def formatTime(self, record, datefmt=None):
            return time.strftime(_DATETIME_FORMAT, time.gmtime(record.created)) + ".%03dZ" % (int(record.created * 1000) % 1000)

        def format(self, record):
            record.levelno = min(50, max(0, record.levelno)) // 10 * 10
            record.levelname = logging.getLevelName(record.levelno)
            exc_info = record.exc_info
            stack_trace = None
            if exc_info:
                import traceback

                stack_trace = traceback.format_tb(exc_info[2])
            result = {
                "timestamp": self.formatTime(record, self.datefmt),
                "level": record.levelname,
                "message": record.getMessage(),
                "logger": record.name,
                "stackTrace": stack_trace,
                "errorType": exc_info[0].__name__ if exc_info else None,
                "errorMessage": str(exc_info[1]) if exc_info else None,
                "requestId": getattr(record, "aws_request_id", None),
                "location": f"{record.pathname}:{record.funcName}:{record.lineno}" if exc_info else None,
            }
            result.update((k, v) for k, v in record.__dict__.items() if k not in _RESERVED_RECORD_FIELDS and k not in result)
            return _log_encoder.encode({k: v for k, v in result.items() if v is not None}) + "\n"

    return JsonFormatter


class _LoggingHook:
    """A meta path finder that configures logging when it is first imported,
    so that functions that never log do not pay for importing it."""

    def find_spec(self, name, path=None, target=None):
        if name != "logging":
            return None
        sys.meta_path.remove(self)
        spec = None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            spec = find(name, path, target) if find else None
            if spec is not None:
                break
        loader = spec.loader if spec is not None else None
        if loader is None or isinstance(loader, type) or not hasattr(loader, "exec_module"):
            return spec  # unusual loader: configured after import, below
        exec_module = loader.exec_module

        def exec_and_configure(module):
            exec_module(module)
            _setup_logging(module)

        loader.exec_module = exec_and_configure
        return spec


def _install_logging_hook():
    if "logging" in sys.modules:
        _setup_logging(sys.modules["logging"])
    else:
        sys.meta_path.insert(0, _LoggingHook())


# --------------------------------------------------------------------------
# The context object (lambda_context.py)


class LambdaContext(object):
    def __init__(self, invoke_id, client_context, cognito_identity, epoch_deadline_time_in_ms, invoked_function_arn=None, tenant_id=None):
        self.aws_request_id = invoke_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.tenant_id = tenant_id

        self.client_context = make_obj_from_dict(ClientContext, client_context)
        if self.client_context is not None:
            self.client_context.client = make_obj_from_dict(Client, self.client_context.client)

        self.identity = make_obj_from_dict(CognitoIdentity, {})
        if cognito_identity is not None:
            self.identity.cognito_identity_id = cognito_identity.get("cognitoIdentityId")
            self.identity.cognito_identity_pool_id = cognito_identity.get("cognitoIdentityPoolId")

        self._epoch_deadline_time_in_ms = epoch_deadline_time_in_ms

    def get_remaining_time_in_millis(self):
        epoch_now_in_ms = int(time.time() * 1000)
        delta_ms = self._epoch_deadline_time_in_ms - epoch_now_in_ms
        return delta_ms if delta_ms > 0 else 0

    def log(self, msg):
        _log(str(msg))

    def __repr__(self):
        return (
            f"{self.__class__.__name__}(["
            f"aws_request_id={self.aws_request_id},"
            f"log_group_name={self.log_group_name},"
            f"log_stream_name={self.log_stream_name},"
            f"function_name={self.function_name},"
            f"memory_limit_in_mb={self.memory_limit_in_mb},"
            f"function_version={self.function_version},"
            f"invoked_function_arn={self.invoked_function_arn},"
            f"client_context={self.client_context},"
            f"identity={self.identity},"
            f"tenant_id={self.tenant_id}"
            "])"
        )


class CognitoIdentity(object):
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]

    def __repr__(self):
        return (
            f"{self.__class__.__name__}(["
            f"cognito_identity_id={self.cognito_identity_id},"
            f"cognito_identity_pool_id={self.cognito_identity_pool_id}"
            "])"
        )


class Client(object):
    __slots__ = ["installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"]

    def __repr__(self):
        return (
            f"{self.__class__.__name__}(["
            f"installation_id={self.installation_id},"
            f"app_title={self.app_title},"
            f"app_version_name={self.app_version_name},"
            f"app_version_code={self.app_version_code},"
            f"app_package_name={self.app_package_name}"
            "])"
        )


class ClientContext(object):
    __slots__ = ["custom", "env", "client"]

    def __repr__(self):
        return f"{self.__class__.__name__}([custom={self.custom},env={self.env},client={self.client}])"


def make_obj_from_dict(_class, _dict):
    if _dict is None:
        return None
    obj = _class()
    for field in _class.__slots__:
        setattr(obj, field, _dict.get(field, None))
    return obj


def parse_json_header(header, name):
    try:
        return json_loads(header)
    except Exception as e:
        raise FaultException(FaultException.LAMBDA_CONTEXT_UNMARSHAL_ERROR, "Unable to parse {} JSON: {}".format(name, str(e)), None)


def create_lambda_context(client_context_json, cognito_identity_json, epoch_deadline_time_in_ms, invoke_id, invoked_function_arn):
    client_context = None
    if client_context_json:
        client_context = parse_json_header(client_context_json, "Client Context")
    cognito_identity = None
    if cognito_identity_json:
        cognito_identity = parse_json_header(cognito_identity_json, "Cognito Identity")
    return LambdaContext(invoke_id, client_context, cognito_identity, epoch_deadline_time_in_ms, invoked_function_arn)


# --------------------------------------------------------------------------
# Runtime API client: HTTP/1.1 over one kept-alive socket (_socket, not
# http.client, which is slow to import).


class RuntimeClientError(Exception):
    pass


class RuntimeClient(object):
    def __init__(self, address):
        host, port = address.rsplit(":", 1)
        self.address = (host, int(port))
        self.host_header = address
        self.sock = None

    def _connect(self):
        if self.sock is None:
            s = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
            s.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, 1)
            s.connect(self.address)
            self.sock = s
        return self.sock

    def request(self, method, path, body=b"", headers=None):
        s = self._connect()
        head = "%s %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n" % (method, path, self.host_header, len(body))
        if headers:
            for k, v in headers.items():
                head += "%s: %s\r\n" % (k, v)
        head = (head + "\r\n").encode("latin-1")
        try:
            if len(body) < 65536:
                s.sendall(head + body)
            else:
                s.sendall(head)
                s.sendall(body)
            return self._read_response(s)
        except OSError:
            self.close()
            raise

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def _read_response(self, s):
        buf = b""
        while True:
            end = buf.find(b"\r\n\r\n")
            if end >= 0:
                break
            chunk = s.recv(65536)
            if not chunk:
                raise RuntimeClientError("Runtime API closed the connection")
            buf += chunk
        lines = buf[:end].decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        rest = buf[end + 4 :]
        if "chunked" in headers.get("transfer-encoding", ""):
            body = self._read_chunked(s, rest)
        else:
            n = int(headers.get("content-length", "0"))
            if len(rest) >= n:
                body = rest[:n]
            else:
                body = bytearray(n)
                view = memoryview(body)
                view[: len(rest)] = rest
                got = len(rest)
                while got < n:
                    r = s.recv_into(view[got:])
                    if not r:
                        raise RuntimeClientError("Runtime API closed the connection")
                    got += r
                body = bytes(body)
        if headers.get("connection") == "close":
            self.close()
        return status, headers, body

    def _read_chunked(self, s, buf):
        out = []
        while True:
            while b"\r\n" not in buf:
                buf += self._recv(s)
            line, _, buf = buf.partition(b"\r\n")
            size = int(line.split(b";")[0], 16)
            if size == 0:
                while not (buf.startswith(b"\r\n") or b"\r\n\r\n" in buf):
                    buf += self._recv(s)
                return b"".join(out)
            while len(buf) < size + 2:
                buf += self._recv(s)
            out.append(buf[:size])
            buf = buf[size + 2 :]

    @staticmethod
    def _recv(s):
        chunk = s.recv(65536)
        if not chunk:
            raise RuntimeClientError("Runtime API closed the connection")
        return chunk

    def wait_next_invocation(self):
        status, headers, body = self.request("GET", "/2018-06-01/runtime/invocation/next")
        if status != 200:
            raise RuntimeClientError("Failed to get next invocation: %d %r" % (status, body))
        return headers, body

    def post_invocation_result(self, invoke_id, result, content_type):
        self.request("POST", "/2018-06-01/runtime/invocation/%s/response" % invoke_id, result, {"Content-Type": content_type})

    def post_invocation_error(self, invoke_id, error_json, error_type):
        self.request(
            "POST",
            "/2018-06-01/runtime/invocation/%s/error" % invoke_id,
            error_json.encode("utf-8"),
            {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": _header_safe(error_type)},
        )

    def post_init_error(self, error_json, error_type):
        self.request(
            "POST",
            "/2018-06-01/runtime/init/error",
            error_json.encode("utf-8"),
            {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": _header_safe(error_type)},
        )


def _header_safe(v):
    return "".join(c for c in str(v) if " " <= c <= "~")


# --------------------------------------------------------------------------
# Loading the handler and the invoke loop (bootstrap.py)


def _get_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultException(FaultException.MALFORMED_HANDLER_NAME, "Bad handler '{}': {}".format(handler, str(e)))

    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise FaultException(
                FaultException.BUILT_IN_MODULE_CONFLICT,
                "Cannot use built-in module {} as a handler module".format(modname),
            )
        import importlib

        m = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise FaultException(FaultException.IMPORT_MODULE_ERROR, "Unable to import module '{}': {}".format(modname, str(e)))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise FaultException(FaultException.USER_CODE_SYNTAX_ERROR, "Syntax error in module '{}': {}".format(modname, str(e)), trace)

    try:
        request_handler = getattr(m, fname)
    except AttributeError:
        raise FaultException(FaultException.HANDLER_NOT_FOUND, "Handler '{}' missing on module '{}'".format(fname, modname), None)
    return request_handler


def handle_event_request(client, request_handler, invoke_id, event_body, headers):
    error_result = None
    try:
        deadline = headers.get("lambda-runtime-deadline-ms")
        lambda_context = create_lambda_context(
            headers.get("lambda-runtime-client-context"),
            headers.get("lambda-runtime-cognito-identity"),
            int(deadline) if deadline else 0,
            invoke_id,
            headers.get("lambda-runtime-invoked-function-arn"),
        )
        event = unmarshal_request(event_body, headers.get("content-type", "application/json"))
        response = request_handler(event, lambda_context)
        result, result_content_type = marshal_response(response)
    except FaultException as e:
        error_result = make_error(e.msg, e.exception_type, e.trace, invoke_id)
    except Exception:
        error_result = build_fault_result(sys.exc_info(), invoke_id)

    if error_result is not None:
        log_error(error_result)
        client.post_invocation_error(invoke_id, to_json(error_result), error_result["errorType"])
    else:
        client.post_invocation_result(invoke_id, result, result_content_type)


def main():
    global _GLOBAL_AWS_REQUEST_ID
    client = RuntimeClient(os.environ["AWS_LAMBDA_RUNTIME_API"])
    _install_logging_hook()
    try:
        request_handler = _get_handler(os.environ["_HANDLER"])
    except FaultException as e:
        error_result = make_error(e.msg, e.exception_type, e.trace)
    except Exception:
        error_result = build_fault_result(sys.exc_info(), None)
    else:
        error_result = None
    if "logging" in sys.modules and not any(type(h).__name__ == "LambdaLoggerHandler" for h in sys.modules["logging"].getLogger().handlers):
        _setup_logging(sys.modules["logging"])  # imported through a loader the hook could not wrap
    if error_result is not None:
        log_error(error_result)
        client.post_init_error(to_json(error_result), error_result["errorType"])
        sys.exit(1)

    while True:
        headers, event_body = client.wait_next_invocation()
        invoke_id = headers.get("lambda-runtime-aws-request-id")
        _GLOBAL_AWS_REQUEST_ID = invoke_id
        trace_id = headers.get("lambda-runtime-trace-id")
        if trace_id is not None:
            os.environ["_X_AMZN_TRACE_ID"] = trace_id
        elif "_X_AMZN_TRACE_ID" in os.environ:
            del os.environ["_X_AMZN_TRACE_ID"]
        handle_event_request(client, request_handler, invoke_id, event_body, headers)


if __name__ == "__main__":
    main()
