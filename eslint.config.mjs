import nx from '@nx/eslint-plugin';

/** Lint for every project; module boundaries follow DESIGN §1 (core imports nothing of ours). */
export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/node_modules', '**/.angular', 'tmp'] },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          // Test helpers; the rule below keeps them out of shipped code.
          allow: ['@carto-auth/emulator/testing', '@carto-auth/adapter-testing'],
          depConstraints: [
            { sourceTag: 'scope:core', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:emulator', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:adapter', onlyDependOnLibsWithTags: ['scope:core'] },
            { sourceTag: 'scope:sample', onlyDependOnLibsWithTags: ['scope:core'] },
            { sourceTag: 'scope:test-support', onlyDependOnLibsWithTags: ['scope:core'] },
            {
              sourceTag: 'scope:app',
              onlyDependOnLibsWithTags: ['scope:core', 'scope:adapter', 'scope:sample'],
            },
            { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:emulator', 'scope:core'] },
            {
              sourceTag: 'scope:tools',
              onlyDependOnLibsWithTags: ['scope:core', 'scope:adapter', 'scope:emulator'],
            },
          ],
        },
      ],
    },
  },
  {
    files: ['libs/auth-core/src/**/*.ts'],
    ignores: ['libs/auth-core/src/ports/**', '**/*.test.ts'],
    rules: {
      // The pure core reaches the host only through ports (DESIGN §2).
      'no-restricted-globals': [
        'error',
        'window',
        'document',
        'localStorage',
        'sessionStorage',
        'location',
        'setTimeout',
        'setInterval',
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Use the clock port.' },
      ],
    },
  },
  {
    files: ['libs/auth-*/src/**/*.ts'],
    ignores: ['**/*.test.ts', '**/*.spec.ts', '**/test-setup.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        ...['@carto-auth/emulator/testing', '@carto-auth/adapter-testing'].map((name) => ({
          name,
          message: 'Test helpers: import them from tests only.',
        })),
      ],
    },
  },
  {
    // Inert ports (servers, SSR) and effect-free strategies have deliberate no-op methods.
    files: ['**/*.ts'],
    rules: { '@typescript-eslint/no-empty-function': 'off' },
  },
  {
    files: ['**/*.test.ts', '**/*.spec.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
];
