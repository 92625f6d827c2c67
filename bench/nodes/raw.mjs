// The raw side of the node benchmarks: the same work over a bare MessageChannel port, one postMessage per message.
import { workerData } from 'node:worker_threads'

const port = workerData.port
let expected = 0
let sum = 0
port.on('message', (m) => {
  if (m.kind === 'ping') port.postMessage(m.i)
  else if (m.kind === 'count') {
    expected = m.n
    sum = 0
    if (expected === 0) port.postMessage({ sum })
  } else if (typeof m === 'number') {
    sum += m
    if (--expected === 0) port.postMessage({ sum })
  }
})
