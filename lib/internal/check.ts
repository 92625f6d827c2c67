/**
 * Checks of input from outside: each throws a `TypeError` naming
 * the function, what it expected and what it got.
 *
 * @internal
 */
import type { Decoder } from 'io-ts'
import { Op } from './op.js'
import { PidImpl, RefImpl } from './pid.js'
import { safeString } from './show.js'
import { isViaName } from './via.js'

/** How a bad value is shown in an error message (never throws, whatever the value). */
export const describe = (u: unknown): string =>
  typeof u === 'string' ? JSON.stringify(u) : `${typeof u} ${safeString(u)}`

/** A duration in milliseconds: a number >= 0, or Infinity. */
export const checkMs = (where: string, ms: unknown): void => {
  if (typeof ms !== 'number' || Number.isNaN(ms) || ms < 0) {
    throw new TypeError(`${where}: expected a number of milliseconds >= 0 (or Infinity), got ${describe(ms)}`)
  }
}

/** A server: a pid or a registered name. */
export const checkServer = (where: string, server: unknown): void => {
  if (
    !(typeof server === 'string' && server.length > 0) &&
    !(server instanceof PidImpl) &&
    !isViaName(server) &&
    !isNodeName(server)
  ) {
    throw new TypeError(
      `${where}: expected a server pid, a registered name or a { via, key } name, got ${describe(server)}`
    )
  }
}

/** `Start.Options`: an object whose `name`, if any, is a non-empty string. */
export const checkStartOptions = (where: string, options: unknown): void => {
  if (options === undefined) return
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${where}: options must be an object, got ${describe(options)}`)
  }
  const name = (options as { name?: unknown }).name
  if (name !== undefined && !isViaName(name)) checkOptionName(where, name)
}

/** `options.name`: a non-empty string. */
export const checkOptionName = (where: string, name: unknown): void => {
  if (typeof name !== 'string' || name.length === 0) {
    throw new TypeError(`${where}: options.name must be a non-empty string, got ${describe(name)}`)
  }
}

/** A pid. */
export const checkPid = (where: string, u: unknown): PidImpl => {
  if (!(u instanceof PidImpl)) throw new TypeError(`${where}: expected a Pid, got ${describe(u)}`)
  return u
}

/** A ref; `what` names the kind expected (say, "a Ref from sendAfter"). */
export const checkRef = (where: string, u: unknown, what = 'a Ref'): RefImpl => {
  if (!(u instanceof RefImpl)) throw new TypeError(`${where}: expected ${what}, got ${describe(u)}`)
  return u
}

/** Where a message can go: a pid, a registered name, or (when `aliasOk`) a reply alias. */
export const checkDest = (where: string, u: unknown, aliasOk = true): void => {
  if (
    !(u instanceof PidImpl) &&
    !(typeof u === 'string' && u.length > 0) &&
    !(aliasOk && u instanceof RefImpl) &&
    !(aliasOk && isViaName(u)) &&
    !isNodeName(u)
  ) {
    throw new TypeError(
      `${where}: expected a Pid${aliasOk ? ', an alias Ref' : ''} or a registered name (string), got ${describe(u)}`
    )
  }
}

/** `{ name, node }`: a name registered on a node. */
export const isNodeName = (u: unknown): boolean =>
  typeof u === 'object' &&
  u !== null &&
  !(u instanceof PidImpl) &&
  typeof (u as { name?: unknown }).name === 'string' &&
  typeof (u as { node?: unknown }).node === 'string'

/** A registered name: a non-empty string. */
export const checkName = (where: string, u: unknown): void => {
  if (typeof u !== 'string' || u.length === 0)
    throw new TypeError(`${where}: a name is a non-empty string, got ${describe(u)}`)
}

/** An Effect to run as a process. */
export const checkProgram = (where: string, program: unknown): Op => {
  if (!(program instanceof Op)) throw new TypeError(`${where}: expected an Effect to run, got ${describe(program)}`)
  return program
}

/** `undefined` or an object (an options bag). */
export const checkObject = (where: string, name: string, u: unknown): void => {
  if (u !== undefined && (typeof u !== 'object' || u === null)) {
    throw new TypeError(`${where}: ${name} must be an object, got ${describe(u)}`)
  }
}

/** An optional mailbox codec (anything with `decode`). */
export const checkMailbox = (where: string, mailbox: unknown): Decoder<unknown, unknown> | undefined => {
  if (mailbox !== undefined && !hasMethod(mailbox, 'decode')) {
    throw new TypeError(`${where}: options.mailbox must be an io-ts codec, got ${describe(mailbox)}`)
  }
  return mailbox as Decoder<unknown, unknown> | undefined
}

/** `true` when `u[name]` is a function; `false` for a primitive or when reading it throws (a hostile Proxy). */
export const hasMethod = (u: unknown, name: string): boolean => {
  if ((typeof u !== 'object' && typeof u !== 'function') || u === null) return false
  try {
    return typeof (u as Record<string, unknown>)[name] === 'function'
  } catch {
    return false
  }
}
