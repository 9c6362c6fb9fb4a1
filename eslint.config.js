import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const testSupportInShippedCode = {
  group: ['@switchboard/*/test-support', '**/test-support', '**/test-support/**'],
  message: 'test-support is for tests and benchmarks only.',
};
const appFromPackage = {
  group: ['aggregator', 'cli', 'demo-app', 'operator-sandbox'].flatMap((app) => [
    `@switchboard/${app}`,
    `@switchboard/${app}/*`,
  ]),
  message: 'A package never depends on an app; put the test in top-level test/<area>/.',
};

const root = path.dirname(fileURLToPath(import.meta.url));

/** `apps/<name>` or `packages/<name>` for a file in a workspace; `.` for the root package. */
function workspaceOf(file) {
  const [top, name, ...rest] = path.relative(root, file).split(path.sep);
  return (top === 'apps' || top === 'packages') && name && rest.length > 0 ? `${top}/${name}` : '.';
}

/**
 * A test reaches another workspace through its package name (`@switchboard/db/test-support`),
 * never by a relative path across workspace roots (docs/architecture.md, "Tests").
 */
const noCrossWorkspaceRelativeImport = {
  meta: { type: 'problem', schema: [] },
  create(context) {
    const check = (node) => {
      const spec = node.source?.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const from = context.filename;
      const target = path.resolve(path.dirname(from), spec);
      // migrations/ is the schema: @switchboard/db's migrator and a migration's own test read it.
      if (path.relative(root, target).split(path.sep)[0] === 'migrations') return;
      const own = workspaceOf(from);
      const theirs = workspaceOf(target);
      if (own !== theirs) {
        context.report({
          node: node.source,
          message: `Import ${theirs === '.' ? 'the root package' : theirs} through its package name, not by a relative path across workspace roots.`,
        });
      }
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

export default tseslint.config(
  { ignores: ['**/node_modules/**', '.data/**', 'artifacts/**', '**/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression[callee.object.name=/^(it|test|describe)$/][callee.property.name='only']",
          message: 'No focused tests.',
        },
      ],
    },
  },
  {
    // Test helpers (e.g. minting tokens outside oidc-provider) stay out of shipped code.
    files: ['apps/*/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [testSupportInShippedCode] }] },
  },
  {
    // A library package never depends on an app, not even in its tests: a test that puts a
    // library against an app (the SDK against the operator sandbox) lives in top-level test/.
    files: ['packages/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [appFromPackage] }] },
  },
  {
    files: ['packages/*/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [testSupportInShippedCode, appFromPackage] }],
    },
  },
  {
    // Tests and their support reach other workspaces by package name only. Benchmarks are
    // exempt: they time one app's internal compositions, which its package does not export.
    files: ['**/*.test.ts', '**/test-support/**/*.ts', 'test/**/*.ts'],
    plugins: {
      switchboard: {
        rules: { 'no-cross-workspace-relative-import': noCrossWorkspaceRelativeImport },
      },
    },
    rules: { 'switchboard/no-cross-workspace-relative-import': 'error' },
  },
);
