/** The `workerData` key under which `Transport.workers().start` hands a thread its name and data. */
export const DATA = 'fp-ts-actors/node'
