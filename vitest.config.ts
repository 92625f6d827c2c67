import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'laws/**/*.test.ts'],
    // the size-heavy checks run by `npm run test:size` (vitest.size.config.ts)
    exclude: ['test/size/**', '**/node_modules/**'],
    // a nats-server for test/nats (skipped with one line where the binary is missing, unless CI)
    globalSetup: ['test/nats/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
