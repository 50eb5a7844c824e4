import { type ChildProcess, spawn } from 'node:child_process'

/** The gateway as `npm start` runs it: a process of its own, its JSON log lines, its signals. */
export interface ServerProcess {
  readonly child: ChildProcess
  readonly lines: Record<string, unknown>[]
  readonly base: string
  readonly exited: Promise<number | null>
  stop(): Promise<void>
}

/** How the gateway is started: node itself, or `npm start` as a newcomer or a supervisor runs it. */
export const NODE_SERVER = [process.execPath, '--import', 'tsx', 'src/server.ts'] as const
export const NPM_START = ['npm', 'start'] as const

export async function startServer(env: Record<string, string>, command: readonly string[] = NODE_SERVER): Promise<ServerProcess> {
  const [file, ...args] = command
  const child = spawn(file!, args, {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', NODE_ENV: 'development', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // A process group of its own, as a terminal gives a command: `stop` ends npm and its server
    // together, and a test can send the group a Ctrl-C.
    detached: true,
  })
  const lines: Record<string, unknown>[] = []
  let buffered = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString()
    const parts = buffered.split('\n')
    buffered = parts.pop()!
    // npm prints its own banner lines before the server's JSON ones.
    for (const part of parts) if (part.startsWith('{')) lines.push(JSON.parse(part))
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const listening = lines.find((line) => String(line.msg).startsWith('Server listening at'))
      if (listening) {
        clearInterval(timer)
        resolve(String(listening.msg).replace('Server listening at ', ''))
      }
    }, 20)
    void exited.then((code) => {
      clearInterval(timer)
      reject(new Error(`server exited with ${code}: ${JSON.stringify(lines)}`))
    })
  })
  return {
    child,
    lines,
    base,
    exited,
    async stop() {
      // The whole group, so a server that outlived npm ends too; ESRCH: nothing of it is left.
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error
      }
      await exited
    },
  }
}

/** Runs the server until it exits by itself, for starts that must fail. */
export async function runToExit(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const [file, ...args] = NODE_SERVER
  const child = spawn(file, args, {
    env: { ...process.env, HOST: '127.0.0.1', NODE_ENV: 'development', GATEWAY_API_KEYS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => {
    stdout += chunk
  })
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  return { code, stdout, stderr }
}

/** The fake CRM of `test/conformance/fakes/crm-process.ts` (HubSpot, or Pipedrive with CRM=pipedrive) in a process of its own; see its control routes. */
export async function startFakeCrmProcess(env: Record<string, string>): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/conformance/fakes/crm-process.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (chunk: Buffer) => resolve((JSON.parse(chunk.toString().split('\n')[0]!) as { url: string }).url))
    void exited.then(() => reject(new Error('the fake CRM process exited')))
  })
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill('SIGKILL')
      await exited
    },
  }
}
