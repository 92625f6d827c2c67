// `node --import ./bench/use-dist.mjs`: the workloads import '../../lib/index.js' (type-checked
// sources); this hook hands them the built package in dist/ instead, the JavaScript users run.
import { register } from 'node:module'

register('./dist-hooks.mjs', import.meta.url)
