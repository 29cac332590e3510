// AWS Signature Version 4 for the console's requests, built the way the
// server verifies them (internal/awsapi/sigv4): paths encoded twice, the
// query canonicalised, and only the headers named in SignedHeaders.
import { hex, hmac, sha256, utf8 } from "./sha256";

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

/** uriEncode percent-encodes every byte but the unreserved ones (SigV4's UriEncode). */
export function uriEncode(s: string, keepSlash = false): string {
  let out = "";
  for (const b of utf8(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c) || (keepSlash && c === "/")) out += c;
    else out += "%" + b.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

function canonicalQuery(query: string): string {
  if (!query) return "";
  const pairs = query
    .split("&")
    .filter(Boolean)
    .map((p) => {
      const i = p.indexOf("=");
      const k = i < 0 ? p : p.slice(0, i);
      const v = i < 0 ? "" : p.slice(i + 1);
      const dec = (x: string) => decodeURIComponent(x.replace(/\+/g, " "));
      return [uriEncode(dec(k)), uriEncode(dec(v))] as const;
    });
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

export interface SignInput {
  method: string;
  host: string;
  path: string; // as sent: already percent-encoded
  query: string; // without '?'
  headers: Record<string, string>; // lower-case names; all are signed
  body: Uint8Array;
  service: string;
  now?: Date;
}

/** sign returns the headers to add: X-Amz-Date and Authorization. */
export async function sign(req: SignInput, creds: Credentials): Promise<Record<string, string>> {
  const now = req.now ?? new Date();
  const amzDate = now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const date = amzDate.slice(0, 8);
  const headers: Record<string, string> = { ...req.headers, host: req.host, "x-amz-date": amzDate };
  const names = Object.keys(headers).map((n) => n.toLowerCase()).sort();
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = v.trim().replace(/ +/g, " ");
  const canonical = [
    req.method,
    uriEncode(req.path || "/", true),
    canonicalQuery(req.query),
    names.map((n) => `${n}:${lower[n]}\n`).join(""),
    names.join(";"),
    hex(await sha256(req.body)),
  ].join("\n");
  const scope = `${date}/${creds.region}/${req.service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, hex(await sha256(utf8(canonical)))].join("\n");
  let key = await hmac(utf8("AWS4" + creds.secretAccessKey), utf8(date));
  key = await hmac(key, utf8(creds.region));
  key = await hmac(key, utf8(req.service));
  key = await hmac(key, utf8("aws4_request"));
  const signature = hex(await hmac(key, utf8(toSign)));
  return {
    "X-Amz-Date": amzDate,
    Authorization: `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`,
  };
}
