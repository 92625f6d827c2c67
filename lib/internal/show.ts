/**
 * Text for any value, for error messages and formatted reasons: never
 * throws, whatever the value (an object without a prototype, one whose
 * `toString` throws, a Proxy whose traps throw, a cycle).
 *
 * @internal
 */

/** `String(u)`, or a description of `u` when that throws. */
export const safeString = (u: unknown): string => {
  try {
    return String(u)
  } catch {
    return unprintable(u)
  }
}

/** `JSON.stringify(u)`, or `undefined` when it throws or has no JSON form. */
export const safeJson = (u: unknown): string | undefined => {
  try {
    return JSON.stringify(u)
  } catch {
    return undefined
  }
}

/** What to show for a value `String` cannot convert. */
const unprintable = (u: unknown): string => {
  let proto: unknown
  try {
    proto = Object.getPrototypeOf(u)
  } catch {
    return '[an object whose prototype cannot be read (a Proxy that throws?)]'
  }
  if (proto === null) {
    const json = safeJson(u)
    return json === undefined ? '[Object: null prototype]' : `[Object: null prototype] ${json}`
  }
  return '[an object whose toString throws]'
}
