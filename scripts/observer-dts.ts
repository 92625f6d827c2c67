/**
 * The observer's own bundled `.d.ts` (`dist/observer/index.d.ts`): its public
 * types and functions in one file that imports the core's types from the core
 * bundle (`../index.js`), so both share one `Pid`, one `Runtime`. Run by
 * `npm run build` after `tsc -p tsconfig.observer.json` has emitted the
 * declarations into `.observer-types/`.
 */
import * as fs from 'node:fs'

const dir = '.observer-types/observer'
const core = /^import type \{ ([^}]+) \} from '\.\.\/index\.js';\n/m
const own = /^(?:import|export) type \{[^}]+\} from '\.\/types\.js';\n/gm

const types = fs.readFileSync(`${dir}/types.d.ts`, 'utf8')
const index = fs.readFileSync(`${dir}/index.d.ts`, 'utf8')
const names = new Set<string>()
for (const text of [types, index]) for (const n of core.exec(text)?.[1]?.split(',') ?? []) names.add(n.trim())
const body = (text: string): string => text.replace(core, '').replace(own, '')
const out = `import type { ${[...names].sort().join(', ')} } from '../index.js';\n${body(types)}\n${body(index)}`
if (/from '\.\//.test(out)) throw new Error('observer-dts: the bundle still imports a sibling file')
fs.mkdirSync('dist/observer', { recursive: true })
fs.writeFileSync('dist/observer/index.d.ts', out)
