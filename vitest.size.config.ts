import { defineConfig } from 'vitest/config'

/**
 * The size-heavy checks (`npm run test:size`, run by CI after `npm test`):
 * millions of steps, messages and crashes, which prove stack safety and
 * robustness by volume and take too long for every `npm test`.
 */
export default defineConfig({
  test: {
    include: ['test/size/**/*.test.ts'],
    // a nats-server for test/size/nats-* (as in vitest.config.ts)
    globalSetup: ['test/nats/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 60_000
  }
})
