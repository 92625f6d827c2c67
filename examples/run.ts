/**
 * How each example runs itself when executed directly (`npx tsx examples/x.ts`)
 * but not when imported by the showcase or the tests.
 */
import { pathToFileURL } from 'node:url'

/**
 * Runs `main` if `moduleUrl` (pass `import.meta.url`) is the script Node was
 * started with, printing its result unless `print` is false; a failure sets a
 * non-zero exit code.
 */
export const runIfMain = (moduleUrl: string, main: () => unknown, options: { readonly print?: boolean } = {}): void => {
  const script = process.argv[1]
  if (script === undefined || moduleUrl !== pathToFileURL(script).href) return
  Promise.resolve()
    .then(main)
    .then(
      (result) => {
        if (options.print !== false && result !== undefined) console.log(result)
      },
      (error: unknown) => {
        console.error(error)
        process.exitCode = 1
      }
    )
}
