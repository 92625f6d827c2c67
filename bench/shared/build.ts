// The build that the bench's own sides (`bare-workloads.ts`, `idiom.ts`)
// measure, the same as `user-workloads.ts` loads: the package `fp-ts-actors`
// (its `dist/`), or the `dist/index.js` named by FPTS_ACTORS_LIB, with the
// internal modules beside it that they need (its pid class, its opcodes).
import { pathToFileURL } from 'node:url'

/** The package's API, its pid class and its opcodes, of the build measured. */
export const loadBuild = async () => {
  const entry =
    process.env['FPTS_ACTORS_LIB'] === undefined
      ? import.meta.resolve('fp-ts-actors')
      : pathToFileURL(process.env['FPTS_ACTORS_LIB']).href
  const inside = (path: string): string => new URL(path, entry).href
  return {
    lib: (await import(entry)) as typeof import('../../lib/index.js'),
    PidImpl: ((await import(inside('./internal/pid.js'))) as typeof import('../../lib/internal/pid.js')).PidImpl,
    op: (await import(inside('./internal/op.js'))) as typeof import('../../lib/internal/op.js')
  }
}
