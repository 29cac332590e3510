import { defineConfig } from "vite";

// The console is served by gureum under /console/ and committed as built
// files in internal/console/dist (embedded in the binary). The build must
// be deterministic: scripts/console-test.sh rebuilds and fails when the
// committed files differ.
export default defineConfig({
  base: "/console/",
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
