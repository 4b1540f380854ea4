import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import reactRefresh from 'eslint-plugin-react-refresh';
import tseslint from 'typescript-eslint';

// Import boundaries of src/: shared code (components, lib, config, i18n) depends on
// no feature and not on the app shell; a feature reaches another feature only through
// its index (`@/features/<name>`), never the app shell; cross-folder imports use `@/`.
const intoFeature = {
  regex: '^@/features/[^/]+/',
  message: 'Import a feature through its index (`@/features/<name>`); inside a feature, use relative imports.',
};
const intoApp = { regex: '^@/app(/|$)', message: 'A feature must not depend on the app shell.' };
/** @param {number} depth how many folders a file sits below its feature's folder */
const outOfFeature = (depth) => ({
  regex: `^(\\.\\./){${depth + 1}}`,
  message: 'Leave a feature through `@/` imports, so the boundaries above apply.',
});
/**
 * @param {...{ regex: string, message: string }} patterns
 * @returns {import('eslint').Linter.RulesRecord}
 */
const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'src/lib/api/schema.d.ts', 'e2e/screenshots'] },
  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: {
      ecmaVersion: 2023,
      globals: globals.browser,
    },
    plugins: {
      'react-hooks': reactHooks,
      'react-refresh': reactRefresh,
    },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'react-refresh/only-export-components': ['warn', { allowConstantExport: true }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
          message: 'Never render HTML from data; render text.',
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/components/**', 'src/lib/**', 'src/config/**', 'src/i18n/**'],
    rules: restrict({
      regex: '(^|/)(features|app)(/|$)',
      message: 'Shared code must not depend on a feature or on the app shell.',
    }),
  },
  { files: ['src/app/**'], rules: restrict(intoFeature) },
  { files: ['src/features/*/*.{ts,tsx}'], rules: restrict(intoFeature, intoApp, outOfFeature(0)) },
  { files: ['src/features/*/*/**'], rules: restrict(intoFeature, intoApp, outOfFeature(1)) },
  {
    files: ['src/**/*.test.{ts,tsx}', 'src/test/**'],
    rules: { 'react-refresh/only-export-components': 'off' },
  },
  {
    files: ['**/*.{js,mjs}'],
    extends: [js.configs.recommended],
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: globals.node },
  },
  {
    // page.evaluate() callbacks run in the browser
    files: ['e2e/**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
