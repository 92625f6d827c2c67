import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'laws/**/*.test.ts'],
    // the size-heavy checks run by `npm run test:size` (vitest.size.config.ts)
    exclude: ['test/size/**', '**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
