import { describe, expect, it } from 'vitest'
import type { CallOptions } from '../../src/kit/spec.ts'
import { UpstreamTimeoutError } from '../../src/errors.ts'
import { SharedLookup } from '../../src/tools/shared-lookup.ts'

/** The rules of `SharedLookup`, each as a scripted interleaving: every lookup waits for the test. */

interface Call {
  readonly key: string
  readonly options: CallOptions
  answer(value: string): void
  fail(error: Error): void
}

function scripted() {
  const calls: Call[] = []
  const lookup = new SharedLookup<string, string>(
    (key, options) =>
      new Promise<string>((resolve, reject) => {
        calls.push({ key, options, answer: resolve, fail: reject })
        // A call of the upstream client ends at its deadline or its signal.
        options.signal.addEventListener('abort', () => reject(new UpstreamTimeoutError('crm')), { once: true })
      }),
    { max: 10, ttlMs: 60_000, connection: 'crm' },
  )
  return { calls, lookup }
}

function request(deadlineInMs = 10_000) {
  const controller = new AbortController()
  const warnings: string[] = []
  const options: CallOptions = { signal: controller.signal, deadline: Date.now() + deadlineInMs, warn: (w) => warnings.push(w.message) }
  return { options, cancel: () => controller.abort(), warnings }
}

const tick = () => new Promise((resolve) => setImmediate(resolve))

describe('shared lookups', () => {
  it('lookups of one key at once share one call, and the value is kept', async () => {
    const { calls, lookup } = scripted()
    const first = lookup.get('ana@acme.io', request().options)
    const second = lookup.get('ana@acme.io', request().options)
    await tick()
    expect(calls).toHaveLength(1)
    calls[0]!.answer('101')
    expect(await Promise.all([first, second])).toEqual(['101', '101'])
    expect(await lookup.get('ana@acme.io', request().options)).toBe('101')
    expect(calls).toHaveLength(1)
  })

  it('one waiter cancelled: it leaves with a 504, the call goes on for the other', async () => {
    const { calls, lookup } = scripted()
    const gone = request()
    const staying = request()
    const first = lookup.get('k', gone.options)
    const second = lookup.get('k', staying.options)
    await tick()
    gone.cancel()
    await expect(first).rejects.toBeInstanceOf(UpstreamTimeoutError)
    expect(calls[0]!.options.signal.aborted, 'the shared call is not cancelled while a waiter stays').toBe(false)
    calls[0]!.answer('v')
    expect(await second).toBe('v')
  })

  it('every waiter cancelled: the shared call is cancelled, and nothing is kept', async () => {
    const { calls, lookup } = scripted()
    const a = request()
    const b = request()
    const first = lookup.get('k', a.options)
    const second = lookup.get('k', b.options)
    await tick()
    a.cancel()
    b.cancel()
    await expect(Promise.all([first, second])).rejects.toBeInstanceOf(UpstreamTimeoutError)
    expect(calls[0]!.options.signal.aborted).toBe(true)
    const again = lookup.get('k', request().options)
    await tick()
    expect(calls, 'a failed lookup is not kept: the next one asks').toHaveLength(2)
    calls[1]!.answer('v')
    expect(await again).toBe('v')
  })

  it('two waiters with different deadlines: the later one outlives the starter and asks again itself', async () => {
    const { calls, lookup } = scripted()
    const short = request(50)
    const long = request(10_000)
    const first = lookup.get('k', short.options)
    const second = lookup.get('k', long.options)
    await tick()
    expect(calls[0]!.options.deadline, "the call runs to its starter's deadline").toBe(short.options.deadline)
    // The starter's request times out: its call ends with a 504 at the upstream client.
    calls[0]!.fail(new UpstreamTimeoutError('crm'))
    await expect(first).rejects.toBeInstanceOf(UpstreamTimeoutError)
    await tick()
    expect(calls, 'the waiter with time left starts its own call').toHaveLength(2)
    expect(calls[1]!.options.deadline).toBe(long.options.deadline)
    calls[1]!.answer('v')
    expect(await second).toBe('v')
  })

  it('a value whose key was forgotten while it was looked up is answered, not kept', async () => {
    const { calls, lookup } = scripted()
    const first = lookup.get('k', request().options)
    await tick()
    lookup.forget('k')
    calls[0]!.answer('old')
    expect(await first).toBe('old')
    const again = lookup.get('k', request().options)
    await tick()
    expect(calls).toHaveLength(2)
    calls[1]!.answer('new')
    expect(await again).toBe('new')
    expect(await lookup.get('k', request().options)).toBe('new')
  })

  it("warnings of the shared call go to the request that started it", async () => {
    const { calls, lookup } = scripted()
    const starter = request()
    const joiner = request()
    const both = Promise.all([lookup.get('k', starter.options), lookup.get('k', joiner.options)])
    await tick()
    calls[0]!.options.warn({ type: 'compatibility', message: 'only the first owners are listed' })
    calls[0]!.answer('v')
    await both
    expect(starter.warnings).toEqual(['only the first owners are listed'])
    expect(joiner.warnings).toEqual([])
  })
})
