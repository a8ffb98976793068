import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import type { App } from './http.js';

/** The single-page web apps `vite build` writes under the web directory, each served at /<name>/. */
export const WEB_APPS = ['admin', 'courier', 'resident'] as const;

/**
 * Serves the built web apps: the hashed assets (with the .br/.gz files the build writes beside
 * them) cached for a year, and each app's index.html, never cached, for every path under the app
 * so that a deep link or a reload opens the right screen. Nothing is served when nothing is built.
 */
export async function webRoutes(app: App, webDir: string): Promise<void> {
  const built = WEB_APPS.filter((name) => fs.existsSync(path.join(webDir, name, 'index.html')));
  if (built.length === 0) {
    app.log.warn({ webDir }, 'web apps not built; `npm run build` builds them');
    return;
  }
  const assets = path.join(webDir, 'assets');
  await app.register(fastifyStatic, {
    root: assets,
    prefix: '/assets/',
    preCompressed: true,
    index: false,
    cacheControl: false,
    setHeaders: (res, file) => {
      const immutable = file.startsWith(assets + path.sep);
      res.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  for (const name of built) {
    const dir = path.join(webDir, name);
    const page = (_req: unknown, reply: FastifyReply) => reply.sendFile('index.html', dir);
    app.get(`/${name}`, { schema: { hide: true } }, page); // and /name/ (trailing slashes are ignored)
    app.get(`/${name}/*`, { schema: { hide: true } }, page);
  }
  app.get('/', { schema: { hide: true } }, (_req, reply) => reply.redirect('/admin/'));
}
