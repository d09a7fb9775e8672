// @ts-check
import withNuxt from './.nuxt/eslint.config.mjs'

// eslint-flat-config-utils 3.2 calls Object.groupBy (Node 21+) when the config
// resolves, after this module has run; package.json's engines allow Node 20.
Object.groupBy ??= (items, keyOf) => {
  const groups = Object.create(null)
  let index = 0
  for (const item of items) (groups[keyOf(item, index++)] ??= []).push(item)
  return groups
}

export default withNuxt(
  {
    // Type-aware rules, chosen one by one: each catches a bug the compiler
    // lets through (a promise nobody waits for or catches, an await of a
    // value that is not one). The presets' other type-aware rules were run
    // on the code and left off: see the list below. Types make the run three
    // times as long (about 12 s without, 35-45 s with, on two cores); .vue
    // files keep them, since a page and a component held two of the findings.
    name: 'heartbeat/type-aware',
    files: ['**/*.ts', '**/*.vue'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/no-array-delete': 'error',
      '@typescript-eslint/no-for-in-array': 'error',
      '@typescript-eslint/no-implied-eval': 'error',
      '@typescript-eslint/require-array-sort-compare': ['error', { ignoreStringArrays: true }],
      // Left off, each measured on this code:
      // unbound-method: the handler contexts and crossws's adapter hand out closures, which it cannot tell from methods.
      // switch-exhaustiveness-check: flags switches whose default covers the rest (the connection label); the frame table's type is what enforces completeness.
      // no-base-to-string: flags String(error) of an unknown and ws's RawData, both deliberate.
      // no-unsafe-*, no-unnecessary-type-assertion: types imported into .vue files are not all resolved by the project service, so these flag correct code.
      // restrict-template-expressions, no-confusing-void-expression, require-await: style, not bugs, and hundreds of lines.
    },
  },
  {
    name: 'heartbeat/house-style',
    rules: {
      // Templates keep short attribute lists on one line; this would re-wrap some 300 tags.
      'vue/max-attributes-per-line': 'off',
      // Counts `() => { x = y }`, a one-assignment callback the code writes on purpose, as two statements.
      '@stylistic/max-statements-per-line': 'off',
      // Reactions are a JSON record, copied before a key is deleted; a Map would not go over the wire.
      '@typescript-eslint/no-dynamic-delete': 'off',
    },
  },
)
