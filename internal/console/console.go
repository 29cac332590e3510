// Package console serves gureum's web console: the static files built from
// web/ (TypeScript + Vite) and committed under dist/, embedded in the
// binary. The console talks to the same public HTTP API as the CLI; this
// package only serves files.
package console

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
)

//go:embed all:dist
var embedded embed.FS

// Prefix is the URL path the console is served under.
const Prefix = "/console/"

// types are the content types of the files the build writes (set here
// rather than from the host's mime tables, which differ between machines).
var types = map[string]string{
	".html":  "text/html; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".svg":   "image/svg+xml",
	".json":  "application/json",
	".png":   "image/png",
	".ico":   "image/x-icon",
	".woff2": "font/woff2",
	".txt":   "text/plain; charset=utf-8",
	".map":   "application/json",
}

// file is one embedded file, with its ETag and (for text) a gzipped copy,
// both computed on first use so that start-up does not pay for them.
type file struct {
	name string
	once sync.Once
	body []byte
	gz   []byte
	etag string
}

func (f *file) load(fsys fs.FS) {
	f.once.Do(func() {
		f.body, _ = fs.ReadFile(fsys, f.name)
		sum := sha256.Sum256(f.body)
		f.etag = `"` + hex.EncodeToString(sum[:12]) + `"`
		if len(f.body) > 1024 && compressible(f.name) {
			var b bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
			_, _ = zw.Write(f.body)
			_ = zw.Close()
			if b.Len() < len(f.body) {
				f.gz = b.Bytes()
			}
		}
	})
}

func compressible(name string) bool {
	switch path.Ext(name) {
	case ".html", ".js", ".css", ".svg", ".json", ".txt", ".map":
		return true
	}
	return false
}

// Handler serves the console under Prefix: files from the build, and
// index.html for every other path without a file extension (the console
// routes in the browser). Hashed assets (assets/*) are cached for a year;
// index.html is revalidated on every load so a new binary's console shows
// at once.
func Handler() http.Handler { return newHandler(embedded) }

func newHandler(root fs.FS) http.Handler {
	sub, err := fs.Sub(root, "dist")
	if err != nil {
		panic(err)
	}
	files := map[string]*file{}
	_ = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files[p] = &file{name: p}
		}
		return nil
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		rel, ok := strings.CutPrefix(r.URL.Path, Prefix)
		if !ok {
			http.Redirect(w, r, Prefix, http.StatusMovedPermanently)
			return
		}
		f := files[rel]
		if f == nil {
			if path.Ext(rel) != "" { // a missing asset is a 404, not the app
				http.NotFound(w, r)
				return
			}
			f = files["index.html"]
			if f == nil {
				http.Error(w, "console not built", http.StatusNotFound)
				return
			}
		}
		f.load(sub)
		h := w.Header()
		ct := types[path.Ext(f.name)]
		if ct == "" {
			ct = "application/octet-stream"
		}
		h.Set("Content-Type", ct)
		h.Set("X-Content-Type-Options", "nosniff")
		if strings.HasPrefix(f.name, "assets/") {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		if f.name == "index.html" {
			h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'")
			h.Set("Referrer-Policy", "no-referrer")
		}
		h.Set("ETag", f.etag)
		h.Add("Vary", "Accept-Encoding")
		if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, f.etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		body := f.body
		if f.gz != nil && acceptsGzip(r.Header.Get("Accept-Encoding")) {
			h.Set("Content-Encoding", "gzip")
			body = f.gz
		}
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			_, _ = w.Write(body)
		}
	})
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip (a
// q-value of 0 refuses it).
func acceptsGzip(ae string) bool {
	for _, part := range strings.Split(ae, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		if q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok {
			v, err := strconv.ParseFloat(q, 64)
			return err == nil && v > 0
		}
		return true
	}
	return false
}
