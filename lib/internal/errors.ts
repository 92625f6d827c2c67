/**
 * How the process primitives fail: the interpreters answer with these and
 * `Process` re-exports them. A leaf module, so the `Host` interface and
 * `Process` share one definition.
 */
import type { Dest } from '../Pid.js'

/**
 * `send` to an unregistered name, or `link` to a dead pid by a process that
 * does not trap exits: Elixir's `ArgumentError` / `ErlangError :noproc`.
 *
 * @category errors
 * @since 0.1.0
 */
export interface NoProcess {
  readonly _tag: 'NoProcess'
  readonly dest: Dest
}

/**
 * `register`/`unregister` refused (Elixir's `ArgumentError`): the name is
 * taken, the pid is dead or already named, the name is unknown.
 *
 * @category errors
 * @since 0.1.0
 */
export interface BadArg {
  readonly _tag: 'BadArg'
  readonly message: string
}
