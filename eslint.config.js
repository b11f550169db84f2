import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', '.output*', '.wxt', 'bench/.tmp', 'demo-output', 'test-results'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[property.name='innerHTML']", message: 'Render lead data as text, never as HTML.' },
      ],
    },
  },
  {
    files: ['entrypoints/overlay.content/**', 'components/overlay/**', 'utils/sites/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'dexie', message: 'Content scripts never open IndexedDB: ask the background.' }], patterns: ['**/utils/db', '@/utils/db'] },
      ],
    },
  },
);
