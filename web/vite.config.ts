import { defineConfig } from "vite";

// The app is served by the gatehouse binary under /if/ (web.Handler); its
// assets under /if/assets/ with immutable caching, so every file name
// carries a content hash. `npm run dev` proxies the API to a running server.
export default defineConfig({
  base: "/if/",
  build: {
    outDir: "dist/app",
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    target: "es2022",
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: {
      "/graphql": { target: "http://127.0.0.1:9000", ws: true },
    },
  },
});
