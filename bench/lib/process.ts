import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'

export interface ServerProcess {
  readonly url: string
  /** Everything else the server said on its first line (the gateway: `startMs`, `processMs`). */
  readonly info: Record<string, unknown>
  readonly child: ChildProcess
  /** Peak resident memory of the process so far, in MiB (Linux VmHWM). */
  peakRssMiB(): number
  rssMiB(): number
  /** CPU time the process has used so far, user and system, in milliseconds (Linux, 10 ms steps). */
  cpuMs(): number
  stop(): Promise<void>
}

const started = new Set<ChildProcess>()
// A scenario that fails half-way must not leave its servers running.
process.on('exit', () => {
  for (const child of started) child.kill('SIGKILL')
})

/** Starts a server script in its own process, so the load generator does not share its loop. */
export async function startServer(name: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const script = name === 'fake' ? 'test/conformance/fakes/crm-process.ts' : `bench/servers/${name}.ts`
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  started.add(child)
  child.once('exit', () => started.delete(child))
  const lines = createInterface({ input: child.stdout! })
  const info = await new Promise<Record<string, unknown> & { url: string }>((resolve, reject) => {
    lines.once('line', (line) => resolve(JSON.parse(line)))
    child.once('exit', (code) => reject(new Error(`bench server ${name} exited with ${code}`)))
  })
  const status = (field: string) => {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))
    return match ? Number(match[1]) / 1024 : Number.NaN
  }
  return {
    url: info.url,
    info,
    child,
    peakRssMiB: () => status('VmHWM'),
    rssMiB: () => status('VmRSS'),
    cpuMs: () => {
      // Fields 14 and 15 of /proc/<pid>/stat, counted after the command name, which may hold spaces.
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
      return (Number(fields[11]) + Number(fields[12])) * 10
    },
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve())
        child.kill('SIGKILL')
      }),
  }
}
