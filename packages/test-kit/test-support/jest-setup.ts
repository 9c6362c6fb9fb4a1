// Jest `setupFiles`: runs in every test file before its tests.
import { isKnownWarning } from './known-warnings.js';

// Only the exact known warnings are dropped: every other console.warn still shows.
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && isKnownWarning(args[0])) return;
  warn(...args);
};
