package console

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

var app = []byte(`<!doctype html><script type="module" src="/console/assets/index-abc.js"></script>`)

func fixture() http.Handler {
	return newHandler(fstest.MapFS{
		"dist/index.html":          {Data: app},
		"dist/assets/index-abc.js": {Data: bytes.Repeat([]byte("console.log('gureum');\n"), 200)},
		"dist/assets/app-1.css":    {Data: []byte("body{}")},
		"dist/robots.txt":          {Data: []byte("User-agent: *\nDisallow: /\n")},
	})
}

func get(t *testing.T, h http.Handler, method, path string, header map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, res *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return b
}

func TestServesFilesWithTypesAndCaching(t *testing.T) {
	t.Parallel()
	h := fixture()
	res := get(t, h, "GET", "/console/assets/index-abc.js", nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, "text/javascript; charset=utf-8", res.Header.Get("Content-Type"))
	require.Equal(t, "public, max-age=31536000, immutable", res.Header.Get("Cache-Control"))
	require.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
	require.Empty(t, res.Header.Get("Content-Encoding"), "no gzip unless asked")
	require.Len(t, body(t, res), 200*len("console.log('gureum');\n"))

	res = get(t, h, "GET", "/console/assets/app-1.css", nil)
	require.Equal(t, "text/css; charset=utf-8", res.Header.Get("Content-Type"))
	res = get(t, h, "GET", "/console/robots.txt", nil)
	require.Equal(t, "text/plain; charset=utf-8", res.Header.Get("Content-Type"))
	require.Equal(t, "no-cache", res.Header.Get("Cache-Control"))
}

func TestSPAFallbackAndMissingAssets(t *testing.T) {
	t.Parallel()
	h := fixture()
	for _, p := range []string{"/console/", "/console/functions", "/console/states/%EC%B6%95%EA%B5%AC/executions/x"} {
		res := get(t, h, "GET", p, nil)
		require.Equal(t, http.StatusOK, res.StatusCode, p)
		require.Equal(t, "text/html; charset=utf-8", res.Header.Get("Content-Type"), p)
		require.Equal(t, "no-cache", res.Header.Get("Cache-Control"), p)
		require.Contains(t, res.Header.Get("Content-Security-Policy"), "default-src 'self'", p)
		require.Equal(t, app, body(t, res), p)
	}
	require.Equal(t, http.StatusNotFound, get(t, h, "GET", "/console/assets/gone-123.js", nil).StatusCode)
	require.Equal(t, http.StatusNotFound, get(t, h, "GET", "/console/favicon.ico", nil).StatusCode)

	res := get(t, h, "GET", "/console", nil)
	require.Equal(t, http.StatusMovedPermanently, res.StatusCode)
	require.Equal(t, "/console/", res.Header.Get("Location"))

	res = get(t, h, "POST", "/console/functions", nil)
	require.Equal(t, http.StatusMethodNotAllowed, res.StatusCode)
	require.Equal(t, "GET, HEAD", res.Header.Get("Allow"))
}

func TestGzipETagAndHead(t *testing.T) {
	t.Parallel()
	h := fixture()
	res := get(t, h, "GET", "/console/assets/index-abc.js", map[string]string{"Accept-Encoding": "br, gzip"})
	require.Equal(t, "gzip", res.Header.Get("Content-Encoding"))
	require.Contains(t, res.Header.Values("Vary"), "Accept-Encoding")
	zr, err := gzip.NewReader(bytes.NewReader(body(t, res)))
	require.NoError(t, err)
	plain, err := io.ReadAll(zr)
	require.NoError(t, err)
	require.Equal(t, bytes.Repeat([]byte("console.log('gureum');\n"), 200), plain)

	require.Empty(t, get(t, h, "GET", "/console/assets/index-abc.js", map[string]string{"Accept-Encoding": "gzip;q=0"}).Header.Get("Content-Encoding"))
	require.Empty(t, get(t, h, "GET", "/console/assets/app-1.css", map[string]string{"Accept-Encoding": "gzip"}).Header.Get("Content-Encoding"), "small files are sent as they are")

	etag := res.Header.Get("ETag")
	require.Regexp(t, `^"[0-9a-f]{24}"$`, etag)
	res = get(t, h, "GET", "/console/assets/index-abc.js", map[string]string{"If-None-Match": etag})
	require.Equal(t, http.StatusNotModified, res.StatusCode)
	require.Empty(t, body(t, res))

	res = get(t, h, "HEAD", "/console/functions", nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, "text/html; charset=utf-8", res.Header.Get("Content-Type"))
	require.Empty(t, body(t, res))
}

// TestEmbeddedBuild checks the committed build: index.html exists and every
// asset it names is embedded (scripts/console-test.sh checks it is fresh).
func TestEmbeddedBuild(t *testing.T) {
	t.Parallel()
	index, err := fs.ReadFile(embedded, "dist/index.html")
	require.NoError(t, err)
	refs := regexp.MustCompile(`(?:src|href)="/console/(assets/[^"]+)"`).FindAllStringSubmatch(string(index), -1)
	require.NotEmpty(t, refs, "index.html loads the built assets")
	h := Handler()
	for _, r := range refs {
		res := get(t, h, "GET", "/console/"+r[1], nil)
		require.Equal(t, http.StatusOK, res.StatusCode, r[1])
		require.True(t, strings.HasPrefix(res.Header.Get("Content-Type"), "text/"), r[1])
	}
}

func TestAcceptsGzip(t *testing.T) {
	t.Parallel()
	for ae, want := range map[string]bool{
		"": false, "gzip": true, "GZIP": true, "deflate, gzip;q=0.5": true, "gzip;q=0": false, "gzip; q=0.0": false,
		"br": false, "gzipx": false, "gzip;q=1": true,
	} {
		require.Equal(t, want, acceptsGzip(ae), ae)
	}
}
