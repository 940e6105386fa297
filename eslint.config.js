// Lint rules, including the layering of DESIGN §7: a folder may import only from the layers
// below it (common ← core ← cli/web/main; common ← renderer). tsconfig.common.json and
// tsconfig.renderer.json enforce the same thing by type-checking without Node's types.
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import { builtinModules } from 'node:module';

const nodeModules = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['build/', 'dist/', 'node_modules/', 'native/', '**/*.generated.ts'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['app/common/**/*.ts'],
    ignores: ['app/common/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeModules, 'electron'].map((name) => ({
            name,
            message: 'app/common runs in the renderer too: no Node or Electron here.',
          })),
          patterns: [
            {
              group: ['**/core/**', '**/cli/**', '**/main/**', '**/web/**', '**/renderer/**'],
              message: 'app/common imports only app/common.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['app/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'app/core is the host: no Electron here (app/main only).',
            },
          ],
          patterns: [
            {
              group: ['**/cli/**', '**/main/**', '**/preload/**', '**/web/**', '**/renderer/**'],
              message: 'app/core imports only app/common and app/core.',
            },
          ],
        },
      ],
    },
  },
  {
    // The renderer is "browser" (STYLE): it talks to the host only through the SysgateApi of
    // app/common/contract.ts. Its tests run in Node and may use node:test.
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeModules, 'electron'].map((name) => ({
            name,
            message: 'renderer/ runs in a sandboxed page: no Node or Electron here.',
          })),
          patterns: [
            {
              group: ['**/core/**', '**/cli/**', '**/main/**', '**/preload/**', '**/web/**'],
              message:
                'renderer/ imports only app/common and renderer/ (the host is behind SysgateApi).',
            },
          ],
        },
      ],
    },
  },
  {
    // The Electron main process ("electron-main"): Node, Electron, app/core and app/common. The
    // windows reach it only through the preload bridge, never by import.
    files: ['app/main/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/cli/**', '**/web/**', '**/preload/**', '**/renderer/**'],
              message: 'app/main imports only app/core, app/common, Node and Electron.',
            },
          ],
        },
      ],
    },
  },
  {
    // The preload bridge runs sandboxed, where `require` knows only 'electron': it imports
    // nothing else at run time, and from app/common only types (erased when compiled).
    files: ['app/preload/**/*.cts'],
    rules: {
      '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!electron$)(?!\\.\\./common/)',
              message: "A sandboxed preload can load only 'electron'.",
            },
            {
              regex: '^\\.\\./common/',
              allowTypeImports: true,
              message:
                'A sandboxed preload cannot load app/common at run time: import its types only.',
            },
          ],
        },
      ],
    },
  },
  {
    // Electron is "electron-main" and "electron-preload" only (STYLE, VS Code's layering).
    files: ['app/cli/**/*.ts', 'app/web/**/*.ts', 'tools/**/*.mjs', 'bin/**/*.js'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'Only app/main and app/preload import Electron.' }],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.tsx', 'renderer/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
);
