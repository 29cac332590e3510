// Package sigv4 verifies AWS Signature Version 4 (header-based) request
// signatures. It is pure: it recomputes the canonical request, string to sign
// and signature from the parts of a request the caller hands it, and compares.
// It does no I/O and keeps no state.
//
// The canonical request is built exactly from the headers the client lists in
// SignedHeaders, so requests signed by any AWS SDK (Go v2, botocore, JS v3)
// verify regardless of which optional headers each SDK chooses to sign.
package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// Algorithm is the only signing algorithm accepted.
const Algorithm = "AWS4-HMAC-SHA256"

// MaxSkew is how far the request time may be from the server's clock.
const MaxSkew = 5 * time.Minute

// Errors returned by Parse and Verify. Callers map them to AWS error codes.
var (
	// ErrMissing: no Authorization header at all.
	ErrMissing = errors.New("missing authentication token")
	// ErrMalformed: an Authorization header that does not follow SigV4's
	// grammar (AWS: IncompleteSignatureException).
	ErrMalformed = errors.New("incomplete signature")
	// ErrSignatureMismatch: the recomputed signature differs.
	ErrSignatureMismatch = errors.New("signature does not match")
	// ErrExpired: the request time is outside MaxSkew of now.
	ErrExpired = errors.New("signature expired")
)

// Authorization is a parsed SigV4 Authorization header.
type Authorization struct {
	AccessKeyID   string
	Date          string // yyyymmdd, from the credential scope
	Region        string
	Service       string
	SignedHeaders []string // lower case, in the order given (must be sorted)
	Signature     string   // hex
}

// Scope is the credential scope: date/region/service/aws4_request.
func (a *Authorization) Scope() string {
	return a.Date + "/" + a.Region + "/" + a.Service + "/aws4_request"
}

// Parse parses an Authorization header value. An empty value yields
// ErrMissing; anything not shaped like SigV4 yields an error wrapping
// ErrMalformed that says what is wrong, like AWS's messages do.
func Parse(h string) (*Authorization, error) {
	h = strings.TrimSpace(h)
	if h == "" {
		return nil, ErrMissing
	}
	alg, rest, ok := strings.Cut(h, " ")
	if !ok || alg != Algorithm {
		return nil, fmt.Errorf("%w: Authorization header requires '%s' algorithm", ErrMalformed, Algorithm)
	}
	var a Authorization
	var haveCred, haveSigned, haveSig bool
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, fmt.Errorf("%w: Authorization header requires each component to be of the form key=value", ErrMalformed)
		}
		switch k {
		case "Credential":
			f := strings.Split(v, "/")
			if len(f) != 5 || f[4] != "aws4_request" || len(f[1]) != 8 || f[0] == "" || f[2] == "" || f[3] == "" {
				return nil, fmt.Errorf("%w: Credential should be scoped to a valid region, date, service and aws4_request terminator", ErrMalformed)
			}
			a.AccessKeyID, a.Date, a.Region, a.Service = f[0], f[1], f[2], f[3]
			haveCred = true
		case "SignedHeaders":
			a.SignedHeaders = strings.Split(v, ";")
			haveSigned = v != ""
		case "Signature":
			a.Signature = v
			haveSig = v != ""
		}
	}
	var missing []string
	if !haveCred {
		missing = append(missing, "'Credential'")
	}
	if !haveSigned {
		missing = append(missing, "'SignedHeaders'")
	}
	if !haveSig {
		missing = append(missing, "'Signature'")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: Authorization header requires %s parameter", ErrMalformed, strings.Join(missing, ", "))
	}
	if !sort.StringsAreSorted(a.SignedHeaders) {
		return nil, fmt.Errorf("%w: SignedHeaders must be sorted", ErrMalformed)
	}
	hasHost := false
	for _, s := range a.SignedHeaders {
		if s != strings.ToLower(s) {
			return nil, fmt.Errorf("%w: SignedHeaders must be lower case", ErrMalformed)
		}
		hasHost = hasHost || s == "host"
	}
	if !hasHost {
		return nil, fmt.Errorf("%w: 'Host' must be a 'SignedHeader' in the AWS Authorization", ErrMalformed)
	}
	return &a, nil
}

// Request holds what verification needs of an HTTP request.
type Request struct {
	Method  string
	RawPath string // the path as sent on the wire (still percent-encoded)
	Query   string // the raw query string, without '?'
	Host    string // the Host header
	Header  http.Header
	// ContentLength is used when content-length is a signed header but the
	// header map lacks it (Go's server moves it out of Header).
	ContentLength int64
	// Body is the request payload; hashed unless X-Amz-Content-Sha256 says
	// what to use.
	Body []byte
}

// Verify checks req's signature against secret at time now. It returns nil
// when the signature is valid, or an error wrapping one of this package's
// sentinels.
func Verify(req *Request, auth *Authorization, secret string, now time.Time) error {
	amzDate := req.Header.Get("X-Amz-Date")
	if amzDate == "" {
		amzDate = req.Header.Get("Date")
	}
	t, err := time.Parse("20060102T150405Z", amzDate)
	if err != nil {
		if t2, err2 := http.ParseTime(amzDate); err2 == nil {
			t, amzDate = t2.UTC(), t2.UTC().Format("20060102T150405Z")
		} else {
			return fmt.Errorf("%w: Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header", ErrMalformed)
		}
	}
	if !strings.HasPrefix(amzDate, auth.Date) {
		return fmt.Errorf("%w: Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'",
			ErrSignatureMismatch, auth.Date, amzDate[:min(8, len(amzDate))], amzDate)
	}
	const f = "20060102T150405Z"
	if t.Before(now.Add(-MaxSkew)) {
		return fmt.Errorf("%w: Signature expired: %s is now earlier than %s (%s - 5 min.)", ErrExpired,
			t.Format(f), now.Add(-MaxSkew).UTC().Format(f), now.UTC().Format(f))
	}
	if t.After(now.Add(MaxSkew)) {
		return fmt.Errorf("%w: Signature not yet current: %s is still later than %s (%s + 5 min.)", ErrExpired,
			t.Format(f), now.Add(MaxSkew).UTC().Format(f), now.UTC().Format(f))
	}
	want := Sign(req, auth, secret, amzDate)
	if !hmac.Equal([]byte(want), []byte(auth.Signature)) {
		return ErrSignatureMismatch
	}
	return nil
}

// Sign computes the hex signature of req for the scope and signed headers
// in auth, at amzDate (yyyymmddThhmmssZ).
func Sign(req *Request, auth *Authorization, secret, amzDate string) string {
	sts := StringToSign(CanonicalRequest(req, auth.SignedHeaders), auth.Scope(), amzDate)
	key := SigningKey(secret, auth.Date, auth.Region, auth.Service)
	return hex.EncodeToString(hmacSHA256(key, []byte(sts)))
}

// StringToSign builds SigV4's string to sign from a canonical request.
func StringToSign(canonicalRequest, scope, amzDate string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	return Algorithm + "\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
}

// SigningKey derives the SigV4 signing key.
func SigningKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), []byte(date))
	k = hmacSHA256(k, []byte(region))
	k = hmacSHA256(k, []byte(service))
	return hmacSHA256(k, []byte("aws4_request"))
}

// CanonicalRequest builds the canonical request over exactly signedHeaders.
// Paths are encoded twice (the rule for every service but S3).
func CanonicalRequest(req *Request, signedHeaders []string) string {
	var b strings.Builder
	b.WriteString(req.Method)
	b.WriteByte('\n')
	b.WriteString(canonicalURI(req.RawPath))
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(req.Query))
	b.WriteByte('\n')
	for _, h := range signedHeaders {
		b.WriteString(h)
		b.WriteByte(':')
		b.WriteString(headerValue(req, h))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(signedHeaders, ";"))
	b.WriteByte('\n')
	b.WriteString(payloadHash(req))
	return b.String()
}

func payloadHash(req *Request) string {
	if h := req.Header.Get("X-Amz-Content-Sha256"); h != "" {
		return h
	}
	sum := sha256.Sum256(req.Body)
	return hex.EncodeToString(sum[:])
}

func headerValue(req *Request, name string) string {
	var vals []string
	switch name {
	case "host":
		vals = []string{req.Host}
	case "content-length":
		vals = req.Header.Values("Content-Length")
		if len(vals) == 0 {
			vals = []string{fmt.Sprint(req.ContentLength)}
		}
	default:
		vals = req.Header.Values(name)
	}
	for i, v := range vals {
		vals[i] = trimAll(v)
	}
	return strings.Join(vals, ",")
}

// trimAll trims v and collapses runs of spaces to one, as SigV4 requires.
func trimAll(v string) string {
	v = strings.TrimSpace(v)
	if !strings.Contains(v, "  ") {
		return v
	}
	return strings.Join(strings.Fields(v), " ")
}

func canonicalURI(raw string) string {
	if raw == "" {
		return "/"
	}
	return escape(raw, true)
}

func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	type kv struct{ k, v string }
	var pairs []kv
	for _, p := range strings.Split(raw, "&") {
		if p == "" {
			continue
		}
		k, v, _ := strings.Cut(p, "=")
		pairs = append(pairs, kv{escape(unescape(k), false), escape(unescape(v), false)})
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.k)
		b.WriteByte('=')
		b.WriteString(p.v)
	}
	return b.String()
}

// escape percent-encodes every byte but the unreserved ones (and '/' when
// keepSlash), upper-case hex, as SigV4's UriEncode.
func escape(s string, keepSlash bool) string {
	const hexdig = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if ('A' <= c && c <= 'Z') || ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') ||
			c == '-' || c == '_' || c == '.' || c == '~' || (keepSlash && c == '/') {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexdig[c>>4])
		b.WriteByte(hexdig[c&15])
	}
	return b.String()
}

// unescape decodes %XX and '+' (as a space, form-encoding) in a query part;
// malformed escapes are kept literally.
func unescape(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '+':
			b.WriteByte(' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	default:
		return c - 'a' + 10
	}
}

func hmacSHA256(key, data []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(data)
	return m.Sum(nil)
}

// Authorize signs req as a client would: it sets X-Amz-Date (and
// X-Amz-Content-Sha256 is left to the caller) and returns the Authorization
// header value covering host, x-amz-date and every X-Amz-* and Content-Type
// header present.
func Authorize(req *Request, accessKeyID, secret, region, service string, t time.Time) string {
	amzDate := t.UTC().Format("20060102T150405Z")
	req.Header.Set("X-Amz-Date", amzDate)
	signed := []string{"host"}
	for k := range req.Header {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "x-amz-") || lk == "content-type" {
			signed = append(signed, lk)
		}
	}
	sort.Strings(signed)
	a := &Authorization{AccessKeyID: accessKeyID, Date: amzDate[:8], Region: region, Service: service, SignedHeaders: signed}
	a.Signature = Sign(req, a, secret, amzDate)
	return Algorithm + " Credential=" + accessKeyID + "/" + a.Scope() + ", SignedHeaders=" + strings.Join(signed, ";") + ", Signature=" + a.Signature
}
