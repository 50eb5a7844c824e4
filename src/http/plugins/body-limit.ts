import { Transform, type TransformCallback } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { BodyTooLargeError } from '../../errors.ts'

/**
 * `limits.bodyLimitBytes`, read per request so that a reload changes it: Fastify's own
 * `bodyLimit` is fixed when the server is built (`src/app.ts` sets it to the most the config
 * allows), so this hook enforces the limit in force. A declared length over it is refused before
 * a byte is read; a chunked body, which declares none, is counted as it arrives.
 */
async function bodyLimit(app: FastifyInstance) {
  app.addHook('preParsing', (request, _reply, payload, done) => {
    const limit = app.gateway.current.runtime.config.limits.bodyLimitBytes
    if (Number(request.headers['content-length']) > limit) return done(tooLarge(limit))
    // With a Content-Length, Node reads no more than it says, and Fastify checks it was all there.
    if (request.headers['transfer-encoding'] === undefined) return done(null, payload)
    done(null, payload.pipe(new Capped(limit)))
  })
}

class Capped extends Transform {
  private received = 0

  constructor(private readonly limit: number) {
    super()
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.received += chunk.length
    if (this.received > this.limit) callback(tooLarge(this.limit))
    else callback(null, chunk)
  }
}

function tooLarge(limit: number): BodyTooLargeError {
  return new BodyTooLargeError(`the body is larger than limits.bodyLimitBytes (${limit} bytes)`)
}

export default fp(bodyLimit, { name: 'body-limit', fastify: '5.x', dependencies: ['gateway'] })
