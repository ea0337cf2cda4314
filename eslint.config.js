import js from '@eslint/js'
import stylistic from '@stylistic/eslint-plugin'
import {defineConfig} from 'eslint/config'
import tseslint from 'typescript-eslint'

export default defineConfig(
  {ignores: ['dist/', 'node_modules/', 'oclif.manifest.json', '.tmp/', '.stryker-tmp/', 'reports/', 'bench/.cache/']},
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      // test/tsconfig.json is the one program that holds src, test, sandbox, scripts and bench
      parserOptions: {project: './test/tsconfig.json', tsconfigRootDir: import.meta.dirname},
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
    plugins: {'@stylistic': stylistic},
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      // prettier wraps code at 120 but cannot split a string, a regexp or a URL; code and comments must fit
      '@stylistic/max-len': [
        'error',
        {code: 120, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true},
      ],
    },
  },
  {
    files: ['test/**'],
    rules: {
      // tests read parsed JSON and sandbox state as any on purpose: chai's expect checks the values at run time
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // fakes implement async interfaces, and `async () => value` is the plain way to write one
      '@typescript-eslint/require-await': 'off',
      // tests save process.exit and process.stderr.write to put them back, never to call them unbound
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // plain JavaScript has no types to check
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // CommonJS: mocha loads reporters with require(); bin/ (bin/package.json) starts no ES module loader
    files: ['**/*.cjs', 'bin/*.js'],
    languageOptions: {
      globals: {module: 'writable', require: 'readonly', __dirname: 'readonly', __filename: 'readonly'},
      sourceType: 'commonjs',
    },
    rules: {'@typescript-eslint/no-require-imports': 'off'},
  },
)
