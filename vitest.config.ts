import { defineConfig } from 'vitest/config'

/**
 * Three projects. `npm test` runs `unit` and `unit-isolated` (the fast suite: unit tests, laws,
 * docs, examples); `npm run test:integration` runs `integration` (real OS-level machinery: a
 * headless Chromium, worker threads, a nats-server with nodes as child processes). CI runs both;
 * `npx vitest run` (or a file's path) runs any of them.
 */

/** Files that start a real browser, real worker threads or talk to a real nats-server. */
const integration = [
  'test/browser/**/*.test.ts',
  'test/workers/{threads,runtime,exit-signals,exit-table,examples}.test.ts',
  'test/nats/**/*.test.ts'
]

/**
 * Fast files that must each run in a fresh module graph: the OTP files are imported a second
 * time by `test/otp-on-test-runtime.test.ts` after it switches `test/interpreter.ts` to
 * `TestRuntime`; the reliability and host files install process-wide handlers or globals; the
 * ported Task tests time 1 ms tasks against 50 ms timeouts on real timers, so nothing another
 * file left running may share their event loop.
 */
const isolated = [
  'test/{Task,Agent,GenServer,Supervisor,DynamicSupervisor,start-throws,task-stream,registry}.test.ts',
  'test/otp-on-test-runtime.test.ts',
  'test/reliability/**/*.test.ts',
  'test/host/**/*.test.ts',
  'test/elixir/task.test.ts'
]

// the size-heavy checks run by `npm run test:size` (vitest.size.config.ts)
const excluded = ['test/size/**', '**/node_modules/**']

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // two files at once even on two cores (vitest's default is one fewer than the cores): many
    // files wait on real timers, threads and child processes
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts', 'laws/**/*.test.ts'],
          exclude: [...integration, ...isolated, ...excluded],
          // the files share one module graph per worker: lib/ (and TypeScript, fast-check, RxJS)
          // are loaded once per worker instead of once per file
          isolate: false
        }
      },
      { extends: true, test: { name: 'unit-isolated', include: isolated, exclude: excluded } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: integration,
          exclude: excluded,
          // a nats-server for test/nats (skipped with one line where the binary is missing, unless CI)
          globalSetup: ['test/nats/global-setup.ts'],
          // one file at a time: their checks within a bound (a restart shown in the page within
          // 200 ms, noconnection within 1 s of a kill -9) are not to share the two cores with another
          maxWorkers: 1
        }
      }
    ]
  }
})
