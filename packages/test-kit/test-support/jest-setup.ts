// Jest `setupFiles`: runs in every test file before its tests.

// oidc-provider warns once per module load when Node.js is older than its preferred LTS; Jest
// loads it afresh in every test file, so the one line a deployment sees would print ~45 times
// (with a stack trace each) between the results. Only that exact warning is dropped: every
// other console.warn, including any other oidc-provider WARNING, still shows.
const UNSUPPORTED_RUNTIME = 'oidc-provider WARNING: Unsupported runtime.';
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].includes(UNSUPPORTED_RUNTIME)) return;
  warn(...args);
};
