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
const coreUpward = upward(['renderer', 'main', 'preload', 'cli']);
// SQL only in electron/core/store (house style: one data layer): no driver, no sql template elsewhere.
const sqlBan = ['better-sqlite3', 'better-sqlite3-multiple-ciphers'].map((name) => ({ name, message: 'SQL lives in electron/core/store only: call its typed functions.' }));
const stationBan = { group: ['**/station/**'], message: 'store/ and pdf/ must not import station/ (it builds on them)' };
// imaging/ is the bottom of the service: pixels in, pixels and facts out. What it needs from policy (the compression
// profiles, the capture rule) lives in common; pdf/ and the rest of the service build on it, never the reverse.
const imagingBan = {
  group: ['pdf', 'store', 'station', 'capture', 'importing', 'signing', 'sync', 'service', 'dossiers', 'bridge'].flatMap((d) => [`**/core/${d}`, `**/core/${d}/**`, `../${d}`, `../${d}/**`]),
  message: 'imaging/ sits below pdf/ and the station: move what it needs down into electron/common or imaging/',
};
const sqlPatterns = [{ group: ['**/store/sql', '**/store/sql.ts'], message: 'SQL lives in electron/core/store only: call its typed functions.' }];

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
      'no-restricted-imports': ['error', { paths: [electronBan, ...sqlBan], patterns: [...coreUpward, ...sqlPatterns] }],
    },
  },
  // Below core: drivers get what they need from the service (a logger, settings) passed in.
  {
    files: ['native-bridge/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [electronBan, ...sqlBan], patterns: [...coreUpward, ...sqlPatterns, { group: ['**/electron/core/**'], message: 'native-bridge must not import electron/core: pass what it needs in' }] },
      ],
    },
  },
  // The store and the PDF writer sit below the station: they must not reach up into station/ (open, lock, doctor).
  {
    files: ['electron/core/store/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronBan], patterns: [...coreUpward, stationBan] }],
    },
  },
  {
    files: ['electron/core/imaging/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronBan, ...sqlBan], patterns: [...coreUpward, ...sqlPatterns, imagingBan] }],
    },
  },
  // (assembleComponent.ts is the capture→PDF use case over an open station, not part of the writer.)
  {
    files: ['electron/core/pdf/**/*.ts'],
    ignores: ['electron/core/pdf/assembleComponent.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronBan, ...sqlBan], patterns: [...coreUpward, ...sqlPatterns, stationBan] }],
    },
  },
  // The data-directory lock uses SQLite as an fcntl lock, not as data: the one file outside store/ that may.
  {
    files: ['electron/core/station/lock.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronBan], patterns: coreUpward }],
    },
  },
  {
    files: ['electron/**/*.ts', 'native-bridge/**/*.ts'],
    ignores: ['electron/cli/**'],
    rules: { 'no-console': 'error' },
  },
  // One process runner (native-bridge/process: watchdog, process-tree kill, allow-listed child environment):
  // nothing else starts programs itself. (A separate rule name, so the layer rules above keep their own lists.)
  {
    files: ['electron/**/*.ts', 'native-bridge/**/*.ts'],
    ignores: ['native-bridge/process/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ['child_process', 'node:child_process'].map((name) => ({
            name,
            message: 'start programs through native-bridge/process/run.ts (runProcess, spawnChild, spawnInteractive, runProcessSync): watchdog, tree kill, allow-listed environment',
          })),
        },
      ],
    },
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
  {
    // Shortcuts go through useKeydown: a listener re-registered per render can run a stale closure.
    files: ['renderer/src/**/*.{ts,tsx}'],
    ignores: ['renderer/src/lib/useKeydown.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name='addEventListener'][arguments.0.value=/^key(down|up)$/]", message: 'use useKeydown (renderer/src/lib/useKeydown.ts) for keyboard shortcuts.' },
      ],
    },
  },
);
