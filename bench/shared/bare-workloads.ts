// The ring, pingpong and fan-in workloads' own effects on the least interpreter
// that can run them (`bare.ts`): the bound any interpreter of these effects
// meets. Loads the same build as user-workloads.ts (the package, or the
// `dist/index.js` named by FPTS_ACTORS_LIB) and its pid class and opcodes.
import { pathToFileURL } from 'node:url'
import { main, now } from './harness.mjs'
import { workloads, type Build, type Proc } from './bare.js'

const entry =
  process.env.FPTS_ACTORS_LIB === undefined
    ? import.meta.resolve('fp-ts-actors')
    : pathToFileURL(process.env.FPTS_ACTORS_LIB).href
const lib = (await import(entry)) as typeof import('fp-ts-actors')
const { PidImpl } = (await import(
  new URL('./internal/pid.js', entry).href
)) as typeof import('../../lib/internal/pid.js')
const op = (await import(new URL('./internal/op.js', entry).href)) as typeof import('../../lib/internal/op.js')

const build: Build = {
  // the build's own types are those of the sources it was built from
  lib: lib as unknown as Build['lib'],
  pid: (id: number, proc: Proc) => new PidImpl(id, proc) as unknown as ReturnType<Build['pid']>,
  op
}

await main(workloads(build, now))
