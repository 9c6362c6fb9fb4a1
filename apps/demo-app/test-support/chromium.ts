import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe } from '@jest/globals';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`); never a downloaded browser. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * `describe` when Debian's Chromium is installed, else `describe.skip` with the reason printed
 * for `file` (straight to stdout: Jest prints no console output of a file whose tests all skip).
 */
export function describeBrowser(file: string): (name: string, tests: () => void) => void {
  if (existsSync(CHROMIUM)) return describe;
  process.stdout.write(
    `${file}: skipped, ${CHROMIUM} not found (apt-get install -y chromium to run them)\n`,
  );
  return describe.skip;
}

/** The folder under artifacts/ where a browser test saves its screenshots (created). */
export function artifactsDir(name: 'demo-app' | 'switchboard' | 'console'): string {
  const dir = fileURLToPath(new URL(`../../../artifacts/${name}/`, import.meta.url));
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Headless Chromium as every browser test runs it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}
