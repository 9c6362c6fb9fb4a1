// Builds the publishable package into dist/: one ESM bundle per entry point (esbuild; the
// workspace's private @switchboard/camara is inlined, openid-client, jose and express stay
// dependencies) with shared code in one chunk, so `instanceof SwitchboardError` holds across
// entries; and the type declarations (tsc). `npm pack` runs it (prepack).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const here = import.meta.dirname;
const dist = path.join(here, 'dist');
const pkg = JSON.parse(fs.readFileSync(path.join(here, 'package.json'), 'utf8'));
const external = [
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys(pkg.peerDependencies ?? {}),
];

fs.rmSync(dist, { recursive: true, force: true });
await build({
  absWorkingDir: here,
  entryPoints: { index: 'src/index.ts', 'express/index': 'src/express/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  logLevel: 'warning',
});
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', path.join(here, 'tsconfig.build.json')], {
  stdio: 'inherit',
});

// A published file that still names a workspace package would fail for everyone outside it.
const leaks = [];
for (const file of fs.readdirSync(dist, { recursive: true, withFileTypes: true })) {
  if (!file.isFile()) continue;
  const full = path.join(file.parentPath, file.name);
  if (/@switchboard\/(?!sdk)/.test(fs.readFileSync(full, 'utf8')))
    leaks.push(path.relative(here, full));
}
if (leaks.length) {
  process.stderr.write(
    `build: these files name a private workspace package: ${leaks.join(', ')}\n`,
  );
  process.exit(1);
}
process.stderr.write(`build: ${path.relative(process.cwd(), dist) || '.'} ready\n`);
