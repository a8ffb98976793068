#!/usr/bin/env node
// Builds what is out of date: the server (tsc → dist/server) and the web apps (vite → dist/web).
// A part is rebuilt when any of its sources is newer than its last build; `--force` rebuilds all.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The compiler: TypeScript 7 (native), installed as `typescript-7`; the `typescript` name holds
 * TypeScript 6, whose JavaScript API typescript-eslint's parser needs (TypeScript 7 has none yet).
 */
const TSC = 'node_modules/typescript-7/bin/tsc';

const force = process.argv.includes('--force');
const only = process.argv.find((a) => a === '--web' || a === '--server');

function newest(paths) {
  let t = 0;
  const visit = (p) => {
    if (!fs.existsSync(p)) return;
    const st = fs.statSync(p);
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) visit(path.join(p, e));
    else t = Math.max(t, st.mtimeMs);
  };
  paths.forEach(visit);
  return t;
}

const parts = [
  {
    name: 'server',
    sources: ['src/server', 'src/shared', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'],
    stamp: 'dist/.server-built',
    cmd: [process.execPath, [TSC, '-p', 'tsconfig.build.json']],
  },
  {
    name: 'web',
    // The web imports the server's schemas for their types, so the server's sources count too.
    sources: ['src/web', 'src/shared', 'src/server', 'vite.config.ts', 'package-lock.json'],
    stamp: 'dist/.web-built',
    cmd: ['npx', ['vite', 'build', '--logLevel', 'warn']],
  },
];

for (const part of parts) {
  if (only && only !== `--${part.name}`) continue;
  const built = fs.existsSync(part.stamp) ? fs.statSync(part.stamp).mtimeMs : 0;
  if (!force && built > newest(part.sources)) continue;
  process.stdout.write(`building the ${part.name}…\n`);
  const started = Date.now();
  const r = spawnSync(part.cmd[0], part.cmd[1], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  fs.mkdirSync('dist', { recursive: true });
  fs.writeFileSync(part.stamp, new Date().toISOString());
  process.stdout.write(`built the ${part.name} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
