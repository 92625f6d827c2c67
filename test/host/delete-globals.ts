/**
 * Deletes the host globals named on the command line, before anything else loads (imported
 * first by `without.ts`; ES modules evaluate their imports in order).
 */
const globals = globalThis as unknown as Record<string, unknown>
for (const name of process.argv.slice(2)) delete globals[name]
const missing = process.argv.slice(2).filter((name) => name in globals)
if (missing.length > 0) throw new Error(`could not delete ${missing.join(', ')}`)
