/**
 * Checks of input from outside (SPEC 7): each throws a `TypeError` naming
 * the function, what it expected and what it got.
 *
 * @internal
 */
import { PidImpl } from './pid.js'

/** How a bad value is shown in an error message. */
export const describe = (u: unknown): string => (typeof u === 'string' ? JSON.stringify(u) : `${typeof u} ${String(u)}`)

/** A duration in milliseconds: a number >= 0, or Infinity. */
export const checkMs = (where: string, ms: unknown): void => {
  if (typeof ms !== 'number' || Number.isNaN(ms) || ms < 0) {
    throw new TypeError(`${where}: expected a number of milliseconds >= 0 (or Infinity), got ${describe(ms)}`)
  }
}

/** A server: a pid or a registered name. */
export const checkServer = (where: string, server: unknown): void => {
  if (!(typeof server === 'string' && server.length > 0) && !(server instanceof PidImpl)) {
    throw new TypeError(`${where}: expected a server pid or a registered name, got ${describe(server)}`)
  }
}

/** `Start.Options`: an object whose `name`, if any, is a non-empty string. */
export const checkStartOptions = (where: string, options: unknown): void => {
  if (options === undefined) return
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${where}: options must be an object, got ${describe(options)}`)
  }
  const name = (options as { name?: unknown }).name
  if (name !== undefined && (typeof name !== 'string' || name.length === 0)) {
    throw new TypeError(`${where}: options.name must be a non-empty string, got ${describe(name)}`)
  }
}
