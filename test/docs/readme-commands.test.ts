import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/**
 * The README's "Trying it" commands, run as a newcomer would: the gateway started the way the
 * README says, then its curl block pasted into a shell, against the port the server took.
 */
const KEY_LINE = /^GATEWAY_API_KEYS=(\S+) npm start$/m

function trying(): { key: string; script: string } {
  const readme = readFileSync('README.md', 'utf8')
  const section = readme.slice(readme.indexOf('## Trying it'), readme.indexOf('## What the tests need'))
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!)
  const key = KEY_LINE.exec(section)?.[1]
  const script = blocks.find((block) => block.includes('curl'))
  if (!key || !script) throw new Error('README "Trying it" lost its start command or its curl block')
  return { key, script }
}

describe("the README's first commands", () => {
  let server: ChildProcess
  let url: string
  const { key, script } = trying()

  beforeAll(async () => {
    server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, GATEWAY_API_KEYS: key, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', GATEWAY_CONFIG: 'config/default.yaml' },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const lines = createInterface({ input: server.stdout! })
    url = await new Promise<string>((resolve, reject) => {
      lines.on('line', (line) => {
        const address = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1]
        if (address) resolve(address)
      })
      server.once('exit', (code) => reject(new Error(`the server exited with ${code}`)))
    })
  }, 60_000)
  afterAll(() => {
    server.kill('SIGTERM')
  })

  it('answer as the README says', async () => {
    // A newline after each answer, as a terminal shows them one below the other.
    const shell = `curl() { command curl "$@"; echo; }\n${script.replaceAll('http://localhost:3000', url)}`
    const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', shell])
    const [health, id, read, completed] = stdout.trim().split('\n')
    expect(JSON.parse(health!)).toEqual({ status: 'ok' })
    expect(id).toMatch(/^local\./)
    expect(JSON.parse(read!)).toEqual([expect.objectContaining({ id, subject: 'Test task', completed: false, completedAt: null })])
    expect(JSON.parse(completed!)).toEqual([expect.objectContaining({ id, completed: true, completedAt: expect.stringMatching(/Z$/) })])
  })
})
