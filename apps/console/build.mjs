#!/usr/bin/env node
// Bundles the console (React + Recharts) into dist/: index.html, assets/app.js, assets/app.css
// (fixed names: the aggregator serves them under /console, docs/console.md).
//   node apps/console/build.mjs             build
//   node apps/console/build.mjs --if-stale  build only when a source is newer than the bundle
//                                           (root `postinstall`, so a fresh clone has it)
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const src = path.join(here, 'src');
const dist = path.join(here, 'dist');
const outputs = ['index.html', 'assets/app.js', 'assets/app.css'].map((f) => path.join(dist, f));

/** The newest modification time among the sources and the lock file. */
function newestSource() {
  const files = [path.join(here, 'package.json'), path.join(here, '../../package-lock.json')];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.push(full);
    }
  };
  walk(src);
  return Math.max(...files.filter(existsSync).map((f) => statSync(f).mtimeMs));
}

function stale() {
  if (!outputs.every(existsSync)) return true;
  const built = Math.min(...outputs.map((f) => statSync(f).mtimeMs));
  return newestSource() > built;
}

export async function buildConsole() {
  // Imported here so `--if-stale` with an up-to-date bundle needs no esbuild.
  const esbuild = await import('esbuild');
  mkdirSync(path.join(dist, 'assets'), { recursive: true });
  await esbuild.build({
    entryPoints: { app: path.join(src, 'main.tsx') },
    outdir: path.join(dist, 'assets'),
    bundle: true,
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    minify: true,
    sourcemap: false,
    legalComments: 'linked',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  copyFileSync(path.join(src, 'index.html'), path.join(dist, 'index.html'));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ifStale = process.argv.includes('--if-stale');
  if (ifStale && !stale()) {
    console.log('console: the bundle in apps/console/dist is up to date');
  } else {
    await buildConsole();
    console.log('console: built apps/console/dist (index.html, assets/app.js, assets/app.css)');
  }
}
