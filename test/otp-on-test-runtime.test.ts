/**
 * The OTP tests again, on `TestRuntime`: a virtual clock and a seeded
 * scheduler instead of Node's timers and the FIFO run queue. Their `run`
 * comes from `./interpreter.js`, which this file switches before importing them.
 */
import { useTestRuntime } from './interpreter.js'

useTestRuntime()
await import('./Task.test.js')
await import('./Agent.test.js')
await import('./GenServer.test.js')
await import('./Supervisor.test.js')
await import('./DynamicSupervisor.test.js')
await import('./start-throws.test.js')
await import('./task-stream.test.js')
await import('./registry.test.js')
