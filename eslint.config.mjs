// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const vscodePaths = [{ name: 'vscode', message: 'src/core and src/cli never import vscode: the core is shared by the CLI and the extension.' }];
const noVscodePatterns = [{ group: ['**/extension/**', '**/extension'], message: 'the core and CLI never depend on the VS Code layer.' }];
// Every CLI command would pay for loading these at start: use src/core/lazyNode.ts (type imports are fine).
const lazyOnly = ['node:crypto', 'node:zlib', 'node:child_process', 'node:http', 'node:https', 'dockerode'].map((name) => ({
  name,
  allowTypeImports: true,
  message: 'load it on first use through src/core/lazyNode.ts: a top-level import slows every berth command.',
}));
const noVscode = { paths: [...vscodePaths, ...lazyOnly], patterns: noVscodePatterns };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', 'test/fixtures/**', '.vscode-test/**', '**/*.vsix', 'examples/**/node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', URL: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextDecoder: 'readonly', TextEncoder: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'writable' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
      eqeqeq: ['error', 'smart'],
    },
  },
  { files: ['src/core/**/*.ts', 'src/cli/**/*.ts'], rules: { '@typescript-eslint/no-restricted-imports': ['error', noVscode] } },
  { files: ['src/core/lazyNode.ts'], rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: vscodePaths, patterns: noVscodePatterns }] } },
  { files: ['**/*.mjs', '**/*.js', '**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
