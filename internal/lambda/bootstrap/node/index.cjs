// gureum's Node.js runtime client: the Lambda Runtime API loop with the
// behaviour of AWS's managed nodejs runtimes (handler loading, the context
// object, callbacks and callbackWaitsForEmptyEventLoop, error shapes,
// console log lines). One CommonJS file that loads only modules Node has
// already loaded at start-up (net, fs, path, util, module), so that starting
// it costs little more than `node -e 0`.
//
// Started as: node [flags] index.cjs, with AWS_LAMBDA_RUNTIME_API,
// LAMBDA_TASK_ROOT and _HANDLER set.
'use strict';

const net = require('net');
const fs = require('fs');
const path = require('path');
const util = require('util');
const Module = require('module');

// AWS's runtime lives at /var/runtime/index.mjs; resolving user modules from
// that name gives Lambda's exact "Require stack" messages.
const runtimeRequire = Module.createRequire(path.join(__dirname, 'index.mjs'));

// ---------------------------------------------------------------------------
// Errors (Errors.js)

function isError(obj) {
  return (
    obj &&
    obj.name &&
    obj.message &&
    obj.stack &&
    typeof obj.name === 'string' &&
    typeof obj.message === 'string' &&
    typeof obj.stack === 'string'
  );
}

function intoError(err) {
  return err instanceof Error ? err : new Error(err);
}

// toRapidResponse is the body of an error posted to the Runtime API.
function toRapidResponse(error) {
  try {
    if (util.types.isNativeError(error) || isError(error)) {
      return {
        errorType: error.name,
        errorMessage: error.message,
        trace: error.stack.split('\n'),
      };
    }
    return {
      errorType: typeof error,
      errorMessage: error.toString(),
      trace: [],
    };
  } catch (_err) {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

function withEnumerableProperties(error) {
  if (error instanceof Error) {
    const ret = Object.assign(
      { errorType: error.name, errorMessage: error.message, code: error.code },
      error,
    );
    if (typeof error.stack === 'string') {
      ret.stack = error.stack.split('\n');
    }
    return ret;
  }
  return error;
}

// toFormatted is an error as logged: a tab, then JSON.
function toFormatted(error) {
  try {
    return '\t' + JSON.stringify(error, (_k, v) => withEnumerableProperties(v));
  } catch (_err) {
    return '\t' + JSON.stringify(toRapidResponse(error));
  }
}

class ImportModuleError extends Error {}
class HandlerNotFound extends Error {}
class MalformedHandlerName extends Error {}
class UserCodeSyntaxError extends Error {}
class MalformedStreamingHandler extends Error {}
class NodeJsExit extends Error {
  constructor() {
    super(
      'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes',
    );
  }
}
class UnhandledPromiseRejection extends Error {
  constructor(reason, promise) {
    super(reason);
    this.reason = reason;
    this.promise = promise;
  }
}
for (const e of [
  ImportModuleError,
  HandlerNotFound,
  MalformedHandlerName,
  UserCodeSyntaxError,
  MalformedStreamingHandler,
  NodeJsExit,
  UnhandledPromiseRejection,
]) {
  e.prototype.name = `Runtime.${e.name}`;
}

// ---------------------------------------------------------------------------
// Logging (LogPatch.js): console.* write "time\trequestId\tLEVEL\tmessage"
// lines to stdout, newlines folded to \r so that one call is one record.

const REQUEST_ID = Symbol.for('aws.lambda.runtime.requestId');
const structuredConsole = {};

const LEVELS = Object.freeze({
  TRACE: { name: 'TRACE', priority: 1 },
  DEBUG: { name: 'DEBUG', priority: 2 },
  INFO: { name: 'INFO', priority: 3 },
  WARN: { name: 'WARN', priority: 4 },
  ERROR: { name: 'ERROR', priority: 5 },
  FATAL: { name: 'FATAL', priority: 6 },
});

function jsonErrorReplacer(_, value) {
  if (value instanceof Error) {
    return Object.assign(
      {
        errorType: value?.constructor?.name ?? 'UnknownError',
        errorMessage: value.message,
        stackTrace: typeof value.stack === 'string' ? value.stack.split('\n') : value.stack,
      },
      value,
    );
  }
  return value;
}

function formatJsonMessage(requestId, timestamp, level, ...messageParams) {
  const result = { timestamp, level: level.name, requestId };
  if (messageParams.length === 1) {
    result.message = messageParams[0];
    try {
      return JSON.stringify(result, jsonErrorReplacer);
    } catch (_) {
      result.message = util.format(result.message);
      return JSON.stringify(result);
    }
  }
  result.message = util.format(...messageParams);
  for (const param of messageParams) {
    if (param instanceof Error) {
      result.errorType = param?.constructor?.name ?? 'UnknownError';
      result.errorMessage = param.message;
      result.stackTrace = typeof param.stack === 'string' ? param.stack.split('\n') : [];
      break;
    }
  }
  return JSON.stringify(result);
}

function logText(level, message, ...params) {
  const line = `${new Date().toISOString()}\t${global[REQUEST_ID]}\t${level.name}\t${util.format(message, ...params)}`;
  process.stdout.write(line.replace(/\n/g, '\r') + '\n');
}

function logJson(level, message, ...params) {
  const line = formatJsonMessage(global[REQUEST_ID], new Date().toISOString(), level, message, ...params);
  process.stdout.write(line.replace(/\n/g, '\r') + '\n');
}

function patchConsole() {
  const json = process.env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === 'JSON';
  const log = json ? logJson : logText;
  const min = LEVELS[process.env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase()] ?? LEVELS.TRACE;
  const nop = () => {};
  const at = (level) => (level.priority >= min.priority ? (msg, ...params) => log(level, msg, ...params) : nop);
  console.trace = at(LEVELS.TRACE);
  console.debug = at(LEVELS.DEBUG);
  console.info = at(LEVELS.INFO);
  console.log = console.info;
  console.warn = at(LEVELS.WARN);
  console.error = at(LEVELS.ERROR);
  console.fatal = (msg, ...params) => log(LEVELS.FATAL, msg, ...params);
  structuredConsole.logError = json
    ? (_, err) => console.error(intoError(err))
    : (msg, err) => console.error(msg, toFormatted(intoError(err)));
}

// ---------------------------------------------------------------------------
// Runtime API client: HTTP/1.1 on one kept-alive connection, one request at a
// time. The socket is unref'd between requests so that the event loop of
// user code can drain ('beforeExit' drives callbackWaitsForEmptyEventLoop),
// as with AWS's native client.

class RapidClient {
  constructor(hostPort) {
    const i = hostPort.lastIndexOf(':');
    this.host = hostPort.slice(0, i);
    this.port = parseInt(hostPort.slice(i + 1), 10);
    this.hostHeader = hostPort;
    this.sock = null;
    this.pending = null; // {resolve, reject, parser}
  }

  connect() {
    const sock = net.connect({ host: this.host, port: this.port });
    sock.setNoDelay(true);
    sock.on('data', (chunk) => this.onData(chunk));
    const fail = (err) => {
      if (this.sock === sock) this.sock = null;
      const p = this.pending;
      this.pending = null;
      if (p) p.reject(err || new Error('Runtime API connection closed'));
    };
    sock.on('error', fail);
    sock.on('close', () => fail(null));
    this.sock = sock;
    return sock;
  }

  request(method, urlPath, headers, body) {
    return new Promise((resolve, reject) => {
      const sock = this.sock || this.connect();
      sock.ref();
      this.pending = { resolve, reject, parser: new ResponseParser() };
      let head = `${method} ${urlPath} HTTP/1.1\r\nHost: ${this.hostHeader}\r\n`;
      for (const k in headers) head += `${k}: ${headers[k]}\r\n`;
      const buf = body === undefined ? null : typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      head += `Content-Length: ${buf ? buf.length : 0}\r\n\r\n`;
      if (buf && buf.length < 65536) {
        sock.write(Buffer.concat([Buffer.from(head, 'latin1'), buf]));
      } else {
        sock.cork();
        sock.write(head, 'latin1');
        if (buf) sock.write(buf);
        sock.uncork();
      }
    });
  }

  onData(chunk) {
    const p = this.pending;
    if (!p) return;
    let res;
    try {
      res = p.parser.push(chunk);
    } catch (err) {
      this.pending = null;
      this.sock.destroy();
      this.sock = null;
      p.reject(err);
      return;
    }
    if (!res) return;
    this.pending = null;
    if (res.headers.connection === 'close') {
      this.sock.destroy();
      this.sock = null;
    } else {
      this.sock.unref();
    }
    p.resolve(res);
  }

  async nextInvocation() {
    const res = await this.request('GET', '/2018-06-01/runtime/invocation/next', {});
    if (res.status !== 200) {
      throw new Error(`Failed to get next invocation: ${res.status} ${res.body.toString()}`);
    }
    return { bodyJson: res.body.toString('utf8'), headers: res.headers };
  }

  postInvocationResponse(response, id, callback) {
    const body = trySerializeResponse(response);
    this.post(`/2018-06-01/runtime/invocation/${encodeURIComponent(id)}/response`, body, {
      'Content-Type': 'application/json',
    }).then(callback, fatal);
  }

  postRawResponse(body, contentType, id, callback) {
    this.post(`/2018-06-01/runtime/invocation/${encodeURIComponent(id)}/response`, body, {
      'Content-Type': contentType,
    }).then(callback, fatal);
  }

  postInvocationError(error, id, callback) {
    const response = toRapidResponse(error);
    this.post(`/2018-06-01/runtime/invocation/${encodeURIComponent(id)}/error`, trySerializeResponse(response), {
      'Content-Type': 'application/json',
      'Lambda-Runtime-Function-Error-Type': headerSafe(response.errorType),
    }).then(callback, fatal);
  }

  postInitError(error, callback) {
    const response = toRapidResponse(error);
    this.post('/2018-06-01/runtime/init/error', trySerializeResponse(response), {
      'Content-Type': 'application/json',
      'Lambda-Runtime-Function-Error-Type': headerSafe(response.errorType),
    }).then(callback, fatal);
  }

  // post sends a body; the Runtime API's refusals (400, 403, 413) are not
  // the function's failures: the loop goes on as AWS's client does.
  async post(urlPath, body, headers) {
    return this.request('POST', urlPath, headers, body);
  }
}

function headerSafe(v) {
  return String(v).replace(/[^\x20-\x7e]/g, '');
}

function trySerializeResponse(body) {
  try {
    return JSON.stringify(body === undefined ? null : body);
  } catch (err) {
    throw new Error('Unable to stringify response body');
  }
}

// fatal ends the process when the Runtime API itself cannot be reached:
// nothing can be reported any more.
function fatal(err) {
  process.stderr.write(`Runtime API client error: ${err && err.stack ? err.stack : err}\n`);
  process.exit(129);
}

// ResponseParser reads one HTTP/1.1 response (Content-Length or chunked).
class ResponseParser {
  constructor() {
    this.buf = null;
    this.head = null; // {status, headers}
    this.bodyChunks = [];
    this.bodyLen = 0;
    this.want = -1; // body bytes expected (Content-Length), -1: chunked
  }

  push(chunk) {
    this.buf = this.buf ? Buffer.concat([this.buf, chunk]) : chunk;
    if (!this.head) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) return null;
      const lines = this.buf.toString('latin1', 0, end).split('\r\n');
      const status = parseInt(lines[0].split(' ')[1], 10);
      const headers = {};
      for (let i = 1; i < lines.length; i++) {
        const c = lines[i].indexOf(':');
        if (c > 0) headers[lines[i].slice(0, c).trim().toLowerCase()] = lines[i].slice(c + 1).trim();
      }
      this.head = { status, headers };
      this.buf = this.buf.subarray(end + 4);
      if (headers['transfer-encoding'] && /chunked/i.test(headers['transfer-encoding'])) {
        this.want = -1;
      } else {
        this.want = parseInt(headers['content-length'] || '0', 10);
      }
    }
    if (this.want >= 0) {
      if (this.buf.length < this.want) return null;
      const body = this.buf.subarray(0, this.want);
      return { status: this.head.status, headers: this.head.headers, body };
    }
    // chunked
    for (;;) {
      const eol = this.buf.indexOf('\r\n');
      if (eol < 0) return null;
      const size = parseInt(this.buf.toString('latin1', 0, eol), 16);
      if (Number.isNaN(size)) throw new Error('bad chunk size from the Runtime API');
      if (size === 0) {
        if (this.buf.indexOf('\r\n\r\n', eol) < 0) return null; // trailers end with an empty line
        return { status: this.head.status, headers: this.head.headers, body: Buffer.concat(this.bodyChunks, this.bodyLen) };
      }
      if (this.buf.length < eol + 2 + size + 2) return null;
      const data = this.buf.subarray(eol + 2, eol + 2 + size);
      this.bodyChunks.push(data);
      this.bodyLen += data.length;
      this.buf = this.buf.subarray(eol + 2 + size + 2);
    }
  }
}

// ---------------------------------------------------------------------------
// Loading the handler (UserFunction.js)

const FUNCTION_EXPR = /^([^.]*)\.(.*)$/;
const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HANDLER_HIGHWATERMARK = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');
const STREAM_RESPONSE = 'response';

function moduleRootAndHandler(fullHandlerString) {
  const handlerString = path.basename(fullHandlerString);
  const moduleRoot = fullHandlerString.substring(0, fullHandlerString.indexOf(handlerString));
  return [moduleRoot, handlerString];
}

function splitHandlerString(handler) {
  const match = handler.match(FUNCTION_EXPR);
  if (!match || match.length !== 3) {
    throw new MalformedHandlerName('Bad handler');
  }
  return [match[1], match[2]];
}

function resolveHandler(object, nestedProperty) {
  return nestedProperty.split('.').reduce((nested, key) => nested && nested[key], object);
}

function tryRequireFile(file, extension) {
  const p = file + (extension || '');
  return fs.existsSync(p) ? runtimeRequire(p) : undefined;
}

async function tryAwaitImport(file, extension) {
  const p = file + (extension || '');
  if (fs.existsSync(p)) {
    return await import(require('url').pathToFileURL(p).href);
  }
  return undefined;
}

function hasFolderPackageJsonTypeModule(folder) {
  if (folder.endsWith('/node_modules')) return false;
  const pj = path.join(folder, '/package.json');
  if (fs.existsSync(pj)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(pj));
      if (pkg) return pkg.type === 'module';
    } catch (e) {
      console.warn(`${pj} cannot be read, it will be ignored for ES module detection purposes.`, e);
      return false;
    }
  }
  if (folder === '/') return false;
  return hasFolderPackageJsonTypeModule(path.resolve(folder, '..'));
}

async function tryRequire(appRoot, moduleRoot, module) {
  const lambdaStylePath = path.resolve(appRoot, moduleRoot, module);
  const extensionless = tryRequireFile(lambdaStylePath);
  if (extensionless) return extensionless;

  const pjHasModule = hasFolderPackageJsonTypeModule(path.resolve(path.dirname(lambdaStylePath)));
  if (!pjHasModule) {
    const loaded = tryRequireFile(lambdaStylePath, '.js');
    if (loaded) return loaded;
  }
  const loaded =
    (pjHasModule && (await tryAwaitImport(lambdaStylePath, '.js'))) ||
    (await tryAwaitImport(lambdaStylePath, '.mjs')) ||
    tryRequireFile(lambdaStylePath, '.cjs');
  if (loaded) return loaded;

  const nodeStylePath = runtimeRequire.resolve(module, { paths: [appRoot, moduleRoot] });
  return runtimeRequire(nodeStylePath);
}

async function loadUserApp(appRoot, moduleRoot, module) {
  if (!(process.env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA === '1' || process.env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA === 'true')) {
    globalThis.awslambda = {
      streamifyResponse: (handler, options) => {
        handler[HANDLER_STREAMING] = STREAM_RESPONSE;
        if (typeof options?.highWaterMark === 'number') {
          handler[HANDLER_HIGHWATERMARK] = parseInt(options.highWaterMark, 10);
        }
        return handler;
      },
      HttpResponseStream,
    };
  }
  try {
    return await tryRequire(appRoot, moduleRoot, module);
  } catch (e) {
    if (e instanceof SyntaxError) {
      throw new UserCodeSyntaxError(e);
    } else if (e.code !== undefined && e.code === 'MODULE_NOT_FOUND') {
      throw new ImportModuleError(e);
    }
    throw e;
  }
}

async function loadHandler(appRoot, fullHandlerString) {
  if (fullHandlerString.includes('..')) {
    throw new MalformedHandlerName(
      `'${fullHandlerString}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const [moduleRoot, moduleAndHandler] = moduleRootAndHandler(fullHandlerString);
  const [module, handlerPath] = splitHandlerString(moduleAndHandler);
  const userApp = await loadUserApp(appRoot, moduleRoot, module);
  const handlerFunc = resolveHandler(userApp, handlerPath);
  if (!handlerFunc) {
    throw new HandlerNotFound(`${fullHandlerString} is undefined or not exported`);
  }
  if (typeof handlerFunc !== 'function') {
    throw new HandlerNotFound(`${fullHandlerString} is not a function`);
  }
  return handlerFunc;
}

function isAsync(handler) {
  try {
    return handler && typeof handler === 'function' && handler.constructor && handler.constructor.name === 'AsyncFunction';
  } catch (_) {
    return false;
  }
}

function isStreaming(handler) {
  const mode = handler[HANDLER_STREAMING];
  if (mode === undefined || mode === null || mode === false) return false;
  if (mode === STREAM_RESPONSE) return true;
  throw new MalformedStreamingHandler('Only response streaming is supported.');
}

// HttpResponseStream.from(stream, {statusCode, headers, cookies}) prefixes
// the body with its metadata, as Lambda function URLs expect.
class HttpResponseStream {
  static from(underlyingStream, prelude) {
    underlyingStream.setContentType('application/vnd.awslambda.http-integration-response');
    underlyingStream.write(JSON.stringify(prelude));
    underlyingStream.write(Buffer.alloc(8));
    return underlyingStream;
  }
}

// ---------------------------------------------------------------------------
// The invoke loop (Runtime.js, CallbackContext.js, InvokeContext.js)

const BEFORE_EXIT = Symbol.for('aws.lambda.beforeExit');
const NO_OP = () => {};
const beforeExit = {
  invoke: () => global[BEFORE_EXIT](),
  reset: () => (global[BEFORE_EXIT] = NO_OP),
  set: (listener) => (global[BEFORE_EXIT] = listener),
};

function buildCallbackContext(client, id, scheduleNext) {
  const postError = (err, callback) => {
    structuredConsole.logError('Invoke Error', err);
    client.postInvocationError(err, id, callback);
  };
  let isCompleteInvoked = false;
  const complete = (result, callback) => {
    if (isCompleteInvoked) {
      console.error('Invocation has already been reported as done. Cannot call complete more than once per invocation.');
      return;
    }
    isCompleteInvoked = true;
    client.postInvocationResponse(result, id, callback);
  };
  let waitForEmptyEventLoop = true;
  const callback = function (err, result) {
    beforeExit.reset();
    if (err !== undefined && err !== null) {
      postError(err, scheduleNext);
    } else if (!waitForEmptyEventLoop) {
      complete(result, scheduleNext);
    } else {
      beforeExit.set(() => setImmediate(() => complete(result, scheduleNext)));
    }
  };
  const done = (err, result) => {
    beforeExit.reset();
    if (err !== undefined && err !== null) {
      postError(err, scheduleNext);
    } else {
      complete(result, scheduleNext);
    }
  };
  const callbackContext = {
    get callbackWaitsForEmptyEventLoop() {
      return waitForEmptyEventLoop;
    },
    set callbackWaitsForEmptyEventLoop(value) {
      waitForEmptyEventLoop = value;
    },
    succeed: (result) => done(null, result),
    fail: (err) => (err === undefined || err === null ? done('handled') : done(err, null)),
    done,
  };
  // Only the first call of any of them counts.
  let finished = false;
  const once = (fn) =>
    function () {
      if (!finished) {
        fn.apply(null, arguments);
        finished = true;
      }
    };
  callbackContext.succeed = once(callbackContext.succeed);
  callbackContext.fail = once(callbackContext.fail);
  callbackContext.done = once(callbackContext.done);
  return [once(callback), callbackContext, () => (isCompleteInvoked = true)];
}

function parseJsonHeader(value, name) {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch (err) {
    throw new Error(`Cannot parse ${name} as json: ${err.toString()}`);
  }
}

function attachEnvironmentData(ctx, headers) {
  const trace = headers['lambda-runtime-trace-id'];
  if (trace) process.env._X_AMZN_TRACE_ID = trace;
  else delete process.env._X_AMZN_TRACE_ID;
  const deadline = headers['lambda-runtime-deadline-ms'];
  return Object.assign(
    ctx,
    {
      functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    },
    {
      clientContext: parseJsonHeader(headers['lambda-runtime-client-context'], 'ClientContext'),
      identity: parseJsonHeader(headers['lambda-runtime-cognito-identity'], 'CognitoIdentity'),
      invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
      awsRequestId: headers['lambda-runtime-aws-request-id'],
      getRemainingTimeInMillis: () => deadline - Date.now(),
    },
  );
}

function isPromise(obj) {
  return obj && obj.then && typeof obj.then === 'function';
}

class Runtime {
  constructor(client, handler, errorCallbacks) {
    this.client = client;
    this.handler = handler;
    this.isAsync = isAsync(handler);
    this.streaming = isStreaming(handler);
    this.errorCallbacks = errorCallbacks;
  }

  scheduleIteration() {
    setImmediate(() => {
      this.handleOnce().then(
        () => {},
        (err) => {
          console.log(`Unexpected Top Level Error: ${err.toString()}`);
          this.errorCallbacks.uncaughtException(err);
        },
      );
    });
  }

  async handleOnce() {
    const { bodyJson, headers } = await this.client.nextInvocation();
    const invokeId = headers['lambda-runtime-aws-request-id'];
    global[REQUEST_ID] = invokeId;
    const scheduleNext = this.scheduleIteration.bind(this);
    const [callback, callbackContext, markCompleted] = buildCallbackContext(this.client, invokeId, scheduleNext);

    try {
      this.setErrorCallbacks(invokeId);
      if (this.streaming) {
        return await this.handleStreaming(bodyJson, headers, callbackContext, invokeId, scheduleNext);
      }
      this.setDefaultExitListener(invokeId, markCompleted);
      const result = this.handler(JSON.parse(bodyJson), attachEnvironmentData(callbackContext, headers), callback);
      if (isPromise(result)) {
        result.then(callbackContext.succeed, callbackContext.fail).catch(callbackContext.fail);
      }
    } catch (err) {
      callback(err);
    }
  }

  // handleStreaming runs a streamifyResponse handler; the stream is
  // buffered and posted as one response when the handler is done.
  async handleStreaming(bodyJson, headers, callbackContext, invokeId, scheduleNext) {
    const { Writable } = require('stream');
    const chunks = [];
    let contentType = 'application/octet-stream';
    const stream = new Writable({
      write(chunk, _enc, cb) {
        chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
        cb();
      },
    });
    stream.setContentType = (ct) => (contentType = ct);
    beforeExit.set(() => this.scheduleIteration());
    const fail = (err) => {
      structuredConsole.logError('Invoke Error', err);
      this.client.postInvocationError(intoError(err), invokeId, scheduleNext);
    };
    try {
      const ctx = attachEnvironmentData(callbackContext, headers);
      const result = this.handler(JSON.parse(bodyJson), stream, ctx);
      if (!isPromise(result)) {
        return fail('Streaming does not support non-async handlers.');
      }
      const value = await result;
      if (typeof value !== 'undefined') console.warn('Streaming handlers ignore return values.');
      if (!stream.writableFinished) {
        await new Promise((resolve) => (stream.writableEnded ? stream.once('finish', resolve) : resolve()));
      }
      if (!stream.writableFinished) return fail('Response stream is not finished.');
      beforeExit.reset();
      this.client.postRawResponse(Buffer.concat(chunks), contentType, invokeId, scheduleNext);
    } catch (err) {
      beforeExit.reset();
      fail(err);
    }
  }

  setErrorCallbacks(invokeId) {
    this.errorCallbacks.uncaughtException = (error) => {
      this.client.postInvocationError(error, invokeId, () => process.exit(129));
    };
    this.errorCallbacks.unhandledRejection = (error) => {
      this.client.postInvocationError(error, invokeId, () => process.exit(128));
    };
  }

  // The handler returned without calling back and the event loop drained:
  // a sync handler answers null, an async one whose promise never settled
  // fails with Runtime.NodeJsExit.
  setDefaultExitListener(invokeId, markCompleted) {
    beforeExit.set(() => {
      markCompleted();
      if (this.isAsync) {
        const err = new NodeJsExit();
        structuredConsole.logError('Invoke Error', err);
        this.client.postInvocationError(err, invokeId, () => this.scheduleIteration());
      } else {
        this.client.postInvocationResponse(null, invokeId, () => this.scheduleIteration());
      }
    });
  }
}

// ---------------------------------------------------------------------------

async function run(appRoot, handler) {
  patchConsole();
  const client = new RapidClient(process.env.AWS_LAMBDA_RUNTIME_API);
  const errorCallbacks = {
    uncaughtException: (error) => client.postInitError(error, () => process.exit(129)),
    unhandledRejection: (error) => client.postInitError(error, () => process.exit(128)),
  };
  process.on('uncaughtException', (error) => {
    structuredConsole.logError('Uncaught Exception', error);
    errorCallbacks.uncaughtException(error);
  });
  process.on('unhandledRejection', (reason, promise) => {
    const error = new UnhandledPromiseRejection(reason, promise);
    structuredConsole.logError('Unhandled Promise Rejection', error);
    errorCallbacks.unhandledRejection(error);
  });
  beforeExit.reset();
  process.on('beforeExit', beforeExit.invoke);

  let handlerFunc;
  try {
    handlerFunc = await loadHandler(appRoot, handler);
  } catch (error) {
    // As with AWS's ES module runtime, a failed init is an uncaught
    // exception: logged, posted to /init/error, exit 129.
    structuredConsole.logError('Uncaught Exception', error);
    errorCallbacks.uncaughtException(error);
    return;
  }
  try {
    new Runtime(client, handlerFunc, errorCallbacks).scheduleIteration();
  } catch (error) {
    structuredConsole.logError('Uncaught Exception', error);
    errorCallbacks.uncaughtException(error);
  }
}

run(process.env.LAMBDA_TASK_ROOT, process.env._HANDLER);
