// Helpers for the console's browser tests: a plain API client (the server
// is bound to loopback, so unsigned requests are accepted), zip files, and
// page utilities for CodeMirror editors and screenshots.
import { createHash } from "node:crypto";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

export const base = () => process.env.GUREUM_URL ?? "http://127.0.0.1:4566";
export const outDir = () => process.env.CONSOLE_OUT ?? "test-output/console";

/** api calls a Lambda REST operation. */
export async function lambda(method, path, body) {
  const res = await fetch(base() + path, {
    method,
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

/** sfn calls a Step Functions JSON 1.0 operation. */
export async function sfn(op, input) {
  const res = await fetch(base() + "/", {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": `AWSStepFunctions.${op}` },
    body: JSON.stringify(input),
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${op}: ${res.status} ${text}`);
  return JSON.parse(text);
}

let table;
function crc32(buf) {
  table ??= Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let c = 0xffffffff;
  for (const b of buf) c = table[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** zip builds a zip archive of {name: text}. */
export function zip(files) {
  const parts = [], central = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text), n = Buffer.from(name), body = deflateRawSync(data), crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(0x0800, 6); local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14); local.writeUInt32LE(body.length, 18); local.writeUInt32LE(data.length, 22); local.writeUInt16LE(n.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0); c.writeUInt16LE(20, 4); c.writeUInt16LE(20, 6); c.writeUInt16LE(0x0800, 8); c.writeUInt16LE(8, 10);
    c.writeUInt32LE(crc, 16); c.writeUInt32LE(body.length, 20); c.writeUInt32LE(data.length, 24); c.writeUInt16LE(n.length, 28); c.writeUInt32LE(offset, 42);
    parts.push(local, n, body);
    central.push(c, n);
    offset += 30 + n.length + body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(central.length / 2, 8); end.writeUInt16LE(central.length / 2, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}

/** unzip reads a zip archive into {name: text}, checking each CRC. */
export function unzip(buf) {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out = {};
  for (let i = 0; i < count; i++) {
    const method = buf.readUInt16LE(p + 10), crc = buf.readUInt32LE(p + 16), csize = buf.readUInt32LE(p + 20);
    const nlen = buf.readUInt16LE(p + 28), xlen = buf.readUInt16LE(p + 30), clen = buf.readUInt16LE(p + 32), local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nlen).toString();
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + csize);
    const data = method === 8 ? inflateRawSync(raw) : raw;
    if (crc32(data) !== crc) throw new Error(`${name}: CRC mismatch`);
    out[name] = data.toString();
    p += 46 + nlen + xlen + clen;
  }
  return out;
}

export const sha256b64 = (buf) => createHash("sha256").update(buf).digest("base64");

/** pasteInto replaces the text of the CodeMirror editor inside scope, as a person pasting it would. */
export async function pasteInto(page, scope, text) {
  const content = page.locator(`${scope} .cm-content`).first();
  await content.click();
  await page.keyboard.press("Control+A");
  await content.evaluate((el, t) => {
    const dt = new DataTransfer();
    dt.setData("text/plain", t);
    el.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }));
  }, text);
}

export async function editorText(page, scope) {
  return page.locator(`${scope} .cm-content`).first().evaluate((el) => el.cmView?.view?.state?.doc?.toString() ?? el.innerText);
}

export async function shot(page, name) {
  mkdirSync(outDir(), { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(150); // let transitions settle
  await page.screenshot({ path: join(outDir(), `${name}.png`), fullPage: true });
}

export async function waitFor(fn, { timeout = 30000, interval = 200, what = "condition" } = {}) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, interval));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ""}`);
}
