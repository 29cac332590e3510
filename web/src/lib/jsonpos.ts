// Where each value of a JSON text is: JSON pointers ("/States/A/Next") to
// character ranges, so that ValidateStateMachineDefinition's diagnostics
// (which name a location) can be underlined in the editor. Also reports
// where a malformed text stops parsing.

export interface Span {
  from: number;
  to: number;
  keyFrom?: number; // the member name's range, when the value is in an object
  keyTo?: number;
}

export interface JSONPositions {
  spans: Map<string, Span>;
  error?: { pos: number; message: string };
}

const escapePointer = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");

export function jsonPositions(text: string): JSONPositions {
  const spans = new Map<string, Span>();
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const fail = (message: string): never => {
    throw { pos: Math.min(i, text.length), message };
  };
  const str = (): string => {
    if (text[i] !== '"') fail("expected a string");
    const start = i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\\") i++;
      else if (text[i] === "\n") fail("unterminated string");
      i++;
    }
    if (i >= text.length) fail("unterminated string");
    i++;
    return JSON.parse(text.slice(start, i));
  };
  const value = (ptr: string, key?: { from: number; to: number }) => {
    ws();
    const from = i;
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") i++;
      else
        for (;;) {
          ws();
          const kf = i;
          const k = str();
          const kt = i;
          ws();
          if (text[i] !== ":") fail("expected ':' after a member name");
          i++;
          value(ptr + "/" + escapePointer(k), { from: kf, to: kt });
          ws();
          if (text[i] === ",") {
            i++;
            continue;
          }
          if (text[i] === "}") {
            i++;
            break;
          }
          fail("expected ',' or '}'");
        }
    } else if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") i++;
      else
        for (let n = 0; ; n++) {
          value(ptr + "/" + n);
          ws();
          if (text[i] === ",") {
            i++;
            continue;
          }
          if (text[i] === "]") {
            i++;
            break;
          }
          fail("expected ',' or ']'");
        }
    } else if (c === '"') str();
    else {
      const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64));
      if (!m) fail(i >= text.length ? "unexpected end of the text" : `unexpected character '${c}'`);
      i += m![0].length;
    }
    spans.set(ptr, { from, to: i, keyFrom: key?.from, keyTo: key?.to });
  };
  try {
    value("");
    ws();
    if (i < text.length) fail("unexpected text after the JSON value");
    return { spans };
  } catch (e) {
    const err = e as { pos: number; message: string };
    if (typeof err.pos !== "number") throw e;
    return { spans, error: err };
  }
}

/** spanFor finds the range for a diagnostic location, falling back to the nearest enclosing value. */
export function spanFor(pos: JSONPositions, location: string | undefined): Span | undefined {
  let ptr = location ?? "";
  for (;;) {
    const s = pos.spans.get(ptr);
    if (s) return s;
    if (ptr === "") return undefined;
    ptr = ptr.slice(0, ptr.lastIndexOf("/"));
  }
}
