// Lint, including the layer rules of the house style (VS Code-like layering):
//   electron/common           → nothing but libraries that run anywhere (zod)
//   electron/core, native-bridge → common, Node built-ins, Node libraries — never electron, never renderer
//   electron/main, preload    → common, core entry points, electron
//   renderer                  → electron/common only (plus its own files and browser libraries)
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const electronBan = { name: 'electron', message: 'electron/core, electron/common and native-bridge run in plain Node: never import electron.' };
const upward = (dirs) => dirs.map((d) => ({ group: [`**/${d}/**`], message: `this layer must not import ${d}` }));

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'dist/**', 'release/**', 'coverage/**', 'tests/fixtures/lint/**', 'tests/e2e/screenshots/**', 'bench/results/**', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name=/^(it|test|describe)$/][callee.property.name='only']", message: 'no .only in committed tests' },
      ],
    },
  },
  {
    files: ['electron/common/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan, ...nodeBuiltins.map((name) => ({ name, message: 'electron/common runs in every runtime: no Node built-ins.' }))],
          patterns: upward(['core', 'main', 'preload', 'cli', 'renderer', 'native-bridge']),
        },
      ],
    },
  },
  {
    files: ['electron/core/**/*.ts', 'native-bridge/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronBan], patterns: upward(['renderer', 'main', 'preload', 'cli']) }],
    },
  },
  {
    files: ['electron/**/*.ts', 'native-bridge/**/*.ts'],
    ignores: ['electron/cli/**'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/vite.config.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'the renderer talks to the station only through StationApi.' },
            ...nodeBuiltins.map((name) => ({ name, message: 'the renderer is sandboxed: no Node built-ins.' })),
          ],
          patterns: upward(['core', 'main', 'preload', 'cli', 'native-bridge']),
        },
      ],
    },
  },
);
