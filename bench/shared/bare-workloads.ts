// The ring, pingpong and fan-in workloads' own effects on the least interpreter
// that can run them (`bare.ts`): the bound any interpreter of these effects
// meets. Loads the same build as user-workloads.ts (the package, or the
// `dist/index.js` named by FPTS_ACTORS_LIB) and its pid class and opcodes.
import { main, now } from './harness.mjs'
import { workloads, type Build, type Proc } from './bare.js'
import { loadBuild } from './build.js'

const { lib, PidImpl, op } = await loadBuild()

const build: Build = {
  // the build's own types are those of the sources it was built from
  lib: lib as unknown as Build['lib'],
  pid: (id: number, proc: Proc) => new PidImpl(id, proc) as unknown as ReturnType<Build['pid']>,
  op
}

await main(workloads(build, now))
