// Runs a TypeScript module (process.argv[2], a file URL) in a worker thread.
// Node 20's worker threads do not inherit tsx's loader from the main thread, so register it here first;
// compiled JavaScript needs none of this: start the .js module directly.
import { register } from 'tsx/esm/api'
register()
await import(process.argv[2])
