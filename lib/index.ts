/**
 * fp-ts-actors: the Erlang/Elixir process model as typed, functional TypeScript.
 *
 * One entry point; each module is a namespace:
 * `import { Effect, Process, Runtime, run } from 'fp-ts-actors'`.
 *
 * @since 0.1.0
 */
export * as Effect from './Effect.js'
export * as Exit from './Exit.js'
export * as Pid from './Pid.js'
export * as Process from './Process.js'
export * as Receive from './Receive.js'
export * as Runtime from './Runtime.js'
export * as Scheduler from './Scheduler.js'
export { run } from './Runtime.js'
export * as TestKit from './testing/TestKit.js'
export * as TestRuntime from './testing/TestRuntime.js'
export * as VirtualClock from './testing/VirtualClock.js'
export * as Start from './Start.js'
export * as Task from './Task.js'
export * as Agent from './Agent.js'
export * as GenServer from './GenServer.js'
export * as Supervisor from './Supervisor.js'
export * as DynamicSupervisor from './DynamicSupervisor.js'
export * as Rx from './Rx.js'
export * as TaskSupervisor from './TaskSupervisor.js'
export * as Registry from './Registry.js'
export * as Via from './Via.js'
export * as Transport from './Transport.js'
export * as Node from './Node.js'
export * as Port from './Port.js'
