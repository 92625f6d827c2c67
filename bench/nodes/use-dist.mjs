// `node --import ./bench/nodes/use-dist.mjs`: the node benchmarks import '../../lib/index.js' and
// '../../lib/node/index.js' (type-checked sources); this hook hands them the built package in dist/ instead,
// the JavaScript the worker threads run too (they import 'fp-ts-actors', which resolves to dist/).
import { register } from 'node:module'

register('./dist-hooks.mjs', import.meta.url)
