/**
 * import: the cold `import` of the built package (`dist/index.js`) in a fresh
 * Node process with no loader hooks, in milliseconds, and how many CommonJS
 * modules of each peer it loaded (`--impl ours` only: there is no floor;
 * `FPTS_ACTORS_LIB` measures another build).
 */
import { execFileSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { check, impl, main } from '../harness.js'

/** This checkout's build, or the one `FPTS_ACTORS_LIB` names (an absolute path to a `dist/index.js`). */
const dist = pathToFileURL(
  process.env['FPTS_ACTORS_LIB'] ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'index.js')
).href

const probe = `
import { createRequire } from 'node:module'
const t0 = performance.now()
await import(${JSON.stringify(dist)})
const ms = performance.now() - t0
const loaded = Object.keys(createRequire(import.meta.url).cache)
const count = (p) => loaded.filter((k) => k.includes('/node_modules/' + p + '/')).length
process.stdout.write(JSON.stringify({ ms, rxjs: count('rxjs'), 'io-ts': count('io-ts'), 'fp-ts': count('fp-ts') }))
`

main(async () => {
  check(impl() === 'ours', 'import has no floor: run it with --impl ours')
  const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' }))
  return {
    workload: 'import',
    impl: 'ours',
    value: out.ms,
    unit: 'ms',
    higherIsBetter: false,
    ms: out.ms,
    details: { modules: { rxjs: out.rxjs, 'io-ts': out['io-ts'], 'fp-ts': out['fp-ts'] } }
  }
})
