/**
 * Third-party warnings that say nothing about the code under test, dropped from `npm test`
 * output (docs/architecture.md, "Tests"). Keep this list to exact messages.
 *
 * oidc-provider warns once per module load when Node.js is older than its preferred LTS. Jest
 * loads modules afresh in every test file, and tests start aggregators as child processes, so
 * the one line a deployment sees would print ~45 times, with a stack trace each.
 */
const KNOWN = ['oidc-provider WARNING: Unsupported runtime.'];

export function isKnownWarning(text: string): boolean {
  return KNOWN.some((known) => text.includes(known));
}

/** `text` without the lines holding a known warning (for a child process's stderr). */
export function withoutKnownWarnings(text: string): string {
  return text
    .split(/(?<=\n)/)
    .filter((line) => !isKnownWarning(line))
    .join('');
}
