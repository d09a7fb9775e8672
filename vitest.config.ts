import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'

// Plain vitest, no Nuxt runtime: components and composables import what they
// use explicitly, so they can be tested as ordinary Vue code.
export default defineConfig({
  plugins: [vue()],
  resolve: {
    alias: { '~': fileURLToPath(new URL('./', import.meta.url)) },
  },
  test: {
    include: ['tests/{unit,component,integration}/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['tests/support/vitest-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
})
