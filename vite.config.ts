import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const webRoot = path.resolve('src/web');
// WEB_OUT_DIR builds elsewhere (so that a build never pulls the files from under a running test).
const outDir = path.resolve(process.env.WEB_OUT_DIR ?? 'dist/web');

/** Writes .br and .gz beside each text asset so the server sends them without compressing per request. */
function precompress(): Plugin {
  return {
    name: 'kd-precompress',
    apply: 'build',
    closeBundle() {
      const walk = (dir: string): string[] =>
        fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
      for (const file of walk(outDir).filter((f) => /\.(js|css|svg|json)$/.test(f))) {
        const data = fs.readFileSync(file);
        fs.writeFileSync(`${file}.gz`, zlib.gzipSync(data, { level: 9 }));
        fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }));
      }
    },
  };
}

/** In `npm run dev:web`, every path under an app opens its index.html, as the server does. */
function appFallback(): Plugin {
  return {
    name: 'kd-app-fallback',
    configureServer(server) {
      server.middlewares.use((req, _res, next) => {
        const m = /^\/(admin|courier|resident)(\/[^.?]*)?(\?.*)?$/.exec(req.url ?? '');
        if (m) req.url = `/${m[1]}/index.html${m[3] ?? ''}`;
        next();
      });
    },
  };
}

export default defineConfig({
  root: webRoot,
  base: '/',
  appType: 'mpa',
  plugins: [react(), precompress(), appFallback()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      input: Object.fromEntries(['admin', 'courier', 'resident'].map((app) => [app, path.join(webRoot, app, 'index.html')])),
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
