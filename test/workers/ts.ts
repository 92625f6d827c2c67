/** Start options for a TypeScript worker module (through the tsx bootstrap of `examples/workers-tsx.mjs`). */
export const tsWorker = (module: URL) =>
  ({ module: new URL('../../examples/workers-tsx.mjs', import.meta.url), argv: [module.href] }) as const
