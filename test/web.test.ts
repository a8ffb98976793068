import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useTestApp } from './support/app.js';

// A built web directory of our own, so this test does not depend on `vite build`.
const webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-web-'));
const script = 'console.info("console");'.repeat(50);
fs.mkdirSync(path.join(webDir, 'admin'));
fs.mkdirSync(path.join(webDir, 'assets'));
fs.writeFileSync(path.join(webDir, 'admin', 'index.html'), '<!doctype html><title>console</title>');
fs.writeFileSync(path.join(webDir, 'assets', 'admin-abc123.js'), script);
fs.writeFileSync(path.join(webDir, 'assets', 'admin-abc123.js.br'), brotliCompressSync(script));
fs.writeFileSync(path.join(webDir, 'assets', 'admin-abc123.js.gz'), gzipSync(script));

describe('serving the console', () => {
  const t = useTestApp({ config: { webDir } });

  it('answers every path under /admin with the app, never cached, so deep links and reloads work', async () => {
    for (const url of ['/admin', '/admin/', '/admin/parcels', '/admin/couriers?q=1']) {
      const r = await t.app.inject({ url });
      expect(r.statusCode, url).toBe(200);
      expect(r.headers['content-type']).toMatch(/text\/html/);
      expect(r.headers['cache-control']).toBe('no-cache');
      expect(r.body).toContain('<title>console</title>');
    }
    const root = await t.app.inject({ url: '/' });
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/admin/');
  });

  it('serves hashed assets pre-compressed and cached for a year', async () => {
    const br = await t.app.inject({ url: '/assets/admin-abc123.js', headers: { 'accept-encoding': 'br, gzip' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const gz = await t.app.inject({ url: '/assets/admin-abc123.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    const plain = await t.app.inject({ url: '/assets/admin-abc123.js' });
    expect(plain.body).toBe(script);
  });

  it('answers a missing asset or API path with the JSON 404, not the app', async () => {
    for (const url of ['/assets/nope.js', '/api/nope']) {
      const r = await t.app.inject({ url });
      expect(r.statusCode, url).toBe(404);
      expect(r.json()).toMatchObject({ error: 'not_found' });
    }
  });
});
