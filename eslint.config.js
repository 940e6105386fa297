// Lint rules, including the layering of DESIGN §7: a folder may import only from the layers
// below it (common ← core ← cli/web/main; common ← renderer). tsconfig.common.json and
// tsconfig.renderer.json enforce the same thing by type-checking without Node's types.
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeModules = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['build/', 'node_modules/', 'native/', '**/*.generated.ts'] },
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
);
