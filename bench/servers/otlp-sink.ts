import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A collector that takes what is posted to it and throws it away, in a process of its own, so a
 * traced gateway pays for making and sending its spans and nothing for where they end. GET /__stats
 * says how many spans it was sent (counted in the protobuf without decoding them), to show what
 * share of the requests' spans the gateway exported.
 */
let spans = 0
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/__stats') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ spans }))
    return
  }
  const parts: Buffer[] = []
  req.on('data', (chunk: Buffer) => parts.push(chunk))
  req.on('end', () => {
    // ExportTraceServiceRequest: resource_spans (1) hold scope_spans (2), which hold spans (2).
    for (const resourceSpans of fields(Buffer.concat(parts), 1)) for (const scopeSpans of fields(resourceSpans, 2)) spans += fields(scopeSpans, 2).length
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end()
  })
})

/** The length-delimited fields numbered `wanted` of a protobuf message; others are skipped. */
function fields(message: Buffer, wanted: number): Buffer[] {
  const found: Buffer[] = []
  let at = 0
  const varint = () => {
    let value = 0
    for (let factor = 1; ; factor *= 128) {
      const byte = message[at++]!
      value += (byte & 0x7f) * factor
      if (byte < 0x80) return value
    }
  }
  while (at < message.length) {
    const key = varint()
    const wire = key & 7
    if (wire === 0) varint()
    else if (wire === 1) at += 8
    else if (wire === 5) at += 4
    else {
      const length = varint()
      if (key >>> 3 === wanted) found.push(message.subarray(at, at + length))
      at += length
    }
  }
  return found
}

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`)
})
process.once('SIGINT', () => process.exit(0))
