// ESLint flat config: the recommended JavaScript and typescript-eslint rules (syntax-only, no type information, so a
// run stays fast on two cores; `npm run typecheck` is the type-level check), plus a few house rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // Build output, generated validators, and template sources (they are linted as the generated projects they become).
    ignores: [
      'dist/**',
      'node_modules/**',
      'templates/**',
      'src/generated/*.js',
      'src/generated/compiled-templates/**',
      'tests/fixtures/**',
      'coverage/**',
      '.cache/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        fetch: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        structuredClone: 'readonly',
        queueMicrotask: 'readonly',
        performance: 'readonly',
        Response: 'readonly',
        Request: 'readonly',
        Headers: 'readonly',
        __dirname: 'readonly',
        __filename: 'readonly',
        require: 'readonly',
        module: 'writable',
        exports: 'writable',
      },
    },
    rules: {
      // `_name` marks a deliberately unused binding (destructuring that drops a key, callback parameters).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // Only src/main.ts ends the process (house rule); the CLI's own entry files are exempt below.
      'no-process-exit': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'prefer-const': 'error',
    },
  },
  {
    // Module boundaries: only src/main.ts ends the process (everything else throws typed errors), and src/ never
    // imports the sync engine except through the per-command entries that bundle it.
    files: ['src/**/*.ts', 'sync/**/*.ts'],
    ignores: ['src/main.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'exit',
          message: 'Throw a typed error (src/errors.ts); only src/main.ts exits.',
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/entries/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(\\.\\./)+sync/', message: 'src/ does not import sync/ (only src/entries/ do).' }] },
      ],
    },
  },
  {
    // CommonJS on purpose (bin.cjs: no ESM loader at start-up).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Test doubles speak loosely typed protocols (the fake GitHub's request bodies), and expected output is clearer
    // with its spaces written out.
    files: ['tests/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'no-regex-spaces': 'off' },
  },
);
