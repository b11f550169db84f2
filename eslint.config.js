import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', '.output*', '.wxt', '.tmp', 'bench/.tmp', 'demo-output', 'test-results'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['entrypoints/**', 'components/**', 'utils/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[property.name='innerHTML']", message: 'Render lead data as text, never as HTML.' },
        { selector: "MemberExpression[property.name='outerHTML']", message: 'Render lead data as text, never as HTML.' },
        { selector: "CallExpression[callee.property.name='insertAdjacentHTML']", message: 'Render lead data as text, never as HTML.' },
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Render lead data as text, never as HTML.' },
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
