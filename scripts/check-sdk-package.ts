// `npm run check:sdk-package` (CI): the SDK as someone outside this repository gets it. Packs
// @switchboard/sdk (prepack builds dist/), installs the tarball with express and
// express-session from the registry into a scratch app, typechecks a consumer against the
// published declarations, and runs the examples shipped in the tarball against a real stack
// (test/sdk/example-scenario.ts). Exits non-zero on any failure.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { checkExample } from '../test/sdk/example-scenario.js';

const root = path.resolve(import.meta.dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const say = (line: string) => process.stdout.write(`${line}\n`);

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

const CONSUMER = `import {
  API_SCOPES,
  AccessDeniedError,
  createSwitchboardClient,
  SwitchboardError,
  type SwitchboardClient,
  type VerificationSession,
} from '@switchboard/sdk';
import { createMemoryVerificationStore, createVerificationRoutes } from '@switchboard/sdk/express';

const client: SwitchboardClient = createSwitchboardClient({
  issuer: 'https://switchboard.example',
  clientId: 'my-bank',
  clientSecret: 'secret',
  redirectUri: 'https://bank.example/callback',
});
export const verified: Promise<boolean> = client.verify({} as VerificationSession, '+34600000001');
export const swapped: Promise<boolean> = client.simSwap.check({} as VerificationSession, { maxAge: 24 });
export const scopes: string = API_SCOPES.simSwapCheck;
export const router = createVerificationRoutes({
  client,
  purpose: 'dpv:FraudPreventionAndDetection',
  callbackPath: '/callback',
  store: createMemoryVerificationStore({ secureCookie: false }),
  onComplete: (outcome) => void (outcome.ok ? outcome.verified : outcome.error.code),
});
export const isSdkError = (e: unknown): e is SwitchboardError => e instanceof SwitchboardError;
export const backend: Promise<VerificationSession> = client.backend.jwtBearer({
  phoneNumber: '+34600000001',
  purpose: 'dpv:FraudPreventionAndDetection',
  scopes: [API_SCOPES.simSwapCheck],
});
export const stillPending = (authReqId: string): Promise<boolean> =>
  client.backend.poll(authReqId).then((r) => r.status !== 'authorized');
export const denied = (e: unknown): boolean => e instanceof AccessDeniedError;
`;

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-sdk-package-'));
  try {
    say('== npm pack -w @switchboard/sdk');
    const [packed] = JSON.parse(
      run(npm, ['pack', '-w', '@switchboard/sdk', '--pack-destination', work, '--json'], root),
    ) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const tarball = path.join(work, packed!.filename);
    say(`${packed!.filename}: ${packed!.files.map((f) => f.path).join(', ')}`);
    if (packed!.files.some((f) => f.path.startsWith('src/')))
      throw new Error('the tarball ships sources');

    say('== a scratch app installs the tarball, express and express-session');
    const app = path.join(work, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(
      path.join(app, 'package.json'),
      JSON.stringify({ name: 'sdk-scratch-app', private: true, type: 'module' }),
    );
    run(
      npm,
      [
        'install',
        '--no-audit',
        '--no-fund',
        tarball,
        'express@^5',
        'express-session@^1',
        '@types/express@^5',
        '@types/node@^20',
      ],
      app,
    );

    say('== a TypeScript consumer typechecks against the published declarations');
    fs.writeFileSync(path.join(app, 'consumer.ts'), CONSUMER);
    fs.writeFileSync(
      path.join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
        },
        files: ['consumer.ts'],
      }),
    );
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    run(process.execPath, [tsc, '-p', app], app);

    for (const [name, startPath] of [
      ['express-app.mjs', '/verify'],
      ['express-helper.mjs', '/verification/start'],
    ] as const) {
      say(`== the shipped example ${name} against a stack`);
      const shipped = path.join(app, 'node_modules', '@switchboard', 'sdk', 'examples', name);
      fs.copyFileSync(shipped, path.join(app, name));
      await checkExample(pathToFileURL(path.join(app, name)).href, startPath);
    }
    say('SDK package check passed');
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`SDK package check failed: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
