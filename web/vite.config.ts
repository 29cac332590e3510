import { defineConfig } from "vite";

// The console is served by gureum under /console/ and committed as built
// files in internal/console/dist (embedded in the binary). The build must
// be deterministic: scripts/console-test.sh rebuilds and fails when the
// committed files differ.
// `npm run dev` serves the console with hot reload and passes API calls to a
// running gureum ($GUREUM_URL, default http://127.0.0.1:4566).
const api = process.env.GUREUM_URL ?? "http://127.0.0.1:4566";
const toApi = { target: api, changeOrigin: false };

export default defineConfig({
  base: "/console/",
  server: {
    proxy: {
      "^/(2015-03-31|2016-08-19|2017-03-31|2017-10-31|2019-09-30)/": toApi,
      "/_gureum/": toApi,
      "/metrics": toApi,
      // Step Functions and Logs: JSON protocol POSTs to "/" with X-Amz-Target
      "^/$": { ...toApi, bypass: (req) => (req.headers["x-amz-target"] ? undefined : req.url) },
    },
  },
  build: {
    outDir: "../internal/console/dist",
    emptyOutDir: true,
    assetsDir: "assets",
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 1200,
  },
});
