import neostandard from 'neostandard'

export default [
  ...neostandard({
    ts: true,
    ignores: ['dist/**', 'coverage/**', 'node_modules/**']
  }),
  {
    // Long lines hide what changed in a diff; URLs are not worth breaking.
    rules: {
      '@stylistic/max-len': ['error', { code: 140, ignoreUrls: true }]
    }
  }
]
