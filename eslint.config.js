// Lint: typescript-eslint's recommended rules, and the layering of ARCHITECTURE.md as import
// rules, so that a wrong import fails `npm test` instead of waiting for a review:
//   route → service → repo → database; a service may call another domain's service, never its
//   repo; a repository holds its own domain's queries only; db/ is the floor below the features;
//   src/shared/ is the ground floor for server and web; the web takes only the server's schemas.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** `no-restricted-imports` with patterns given as [regex, why]. */
const forbid = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns: patterns.map(([regex, message]) => ({ regex, message })) }] });

const OTHER_DOMAIN = '^\\.\\./(?!\\.\\.)[^/]+/';
const tests = ['**/*.test.ts', '**/*.test.tsx'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'patches/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      // tsc (noUnusedLocals, noUnusedParameters) already refuses these, with `_` for the unused on purpose.
      '@typescript-eslint/no-unused-vars': 'off',
      // Refusing control characters is what several of our patterns are for.
      'no-control-regex': 'off',
      // An initial value kept for a read after a try (bench) is not useless; tsc checks definite assignment.
      'no-useless-assignment': 'off',
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
  },
  {
    files: ['test/**/*.ts'],
    // Numbers beyond 2^53 are what the bad-input and fuzz tests send on purpose.
    rules: { 'no-loss-of-precision': 'off' },
  },
  {
    files: ['src/server/modules/*/*.repo.ts'],
    ignores: tests,
    rules: forbid(
      [OTHER_DOMAIN, 'A repository holds its own domain’s queries: put a shared query helper in db/, or ask the other domain’s service.'],
      ['\\.(service|routes)\\.js$', 'A repository is the floor below the services and routes.'],
      ['/(context|config|app)\\.js$', 'A repository takes its Executor from db/index.js, not from the app’s context or config.'],
      ['^fastify', 'No HTTP in a repository.'],
    ),
  },
  {
    files: ['src/server/modules/*/*.ts'],
    ignores: [...tests, 'src/server/modules/*/*.repo.ts', 'src/server/modules/*/*.routes.ts', 'src/server/modules/*/*.schema.ts'],
    rules: forbid(
      [`${OTHER_DOMAIN}[^/]+\\.repo\\.js$`, 'A service may call another domain’s service, never its repository.'],
      ['\\.routes\\.js$', 'Services know nothing of routes.'],
    ),
  },
  {
    files: ['src/server/modules/**/*.ts'],
    ignores: tests,
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='transaction']",
          message:
            'A unit of work is inTransaction(ctx, async (ctx) => …) from context.ts: its ctx.db is the transaction, its afterCommit waits for the commit.',
        },
      ],
    },
  },
  {
    files: ['src/server/modules/*/*.routes.ts'],
    ignores: tests,
    rules: forbid(['\\.repo\\.js$', 'A route calls one service function; the queries are the service’s business.']),
  },
  {
    files: ['src/server/db/**/*.ts'],
    ignores: tests,
    rules: forbid(['^\\.\\./(modules|config|context|app|main|housekeeping|actors)', 'db/ is the floor: it imports no feature, no config, no context.']),
  },
  {
    files: ['src/shared/**/*.ts'],
    ignores: tests,
    rules: forbid(['^\\.\\./(server|web)/|^\\.\\./\\.\\./', 'src/shared/ is the ground floor: server and web import it, never the other way.']),
  },
  {
    files: ['src/web/**/*.{ts,tsx}'],
    rules: forbid(['/server/(?!modules/[^/]+/[^/]+\\.schema\\.js$)', 'The web takes only the server’s schemas (their types), through api-types.ts.']),
  },
);
