/**
 * `{ via, key }` names (see Via.ts) as the kernel and the checks see them: a
 * name service's synchronous `whereis`, guarded so a throwing or lying
 * service is just "no process".
 *
 * @internal
 */
import { PidImpl } from './pid.js'

export interface ViaName {
  readonly via: { readonly whereis: (key: unknown) => unknown; readonly claim: (key: unknown) => unknown }
  readonly key: unknown
}

export const isViaName = (u: unknown): u is ViaName => {
  if (typeof u !== 'object' || u === null || !('via' in u) || !('key' in u)) return false
  const via = (u as { via: unknown }).via
  return (
    typeof via === 'object' &&
    via !== null &&
    typeof (via as ViaName['via']).whereis === 'function' &&
    typeof (via as ViaName['via']).claim === 'function'
  )
}

/** The pid the name stands for now, if any. */
export const resolveVia = (name: ViaName): PidImpl | undefined => {
  try {
    const pid = name.via.whereis(name.key)
    return pid instanceof PidImpl ? pid : undefined
  } catch {
    return undefined
  }
}
