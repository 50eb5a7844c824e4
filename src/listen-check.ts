import { createServer } from 'node:net'
import { EnvError } from './errors.ts'

/**
 * Binds `port` on `host` and lets go at once, so a port in use is reported before the config is
 * loaded (a big one takes seconds) and before a generated key is logged for a server that will
 * not run. The real listen can still lose a race for the port: `listenProblem` words that too.
 */
export async function checkCanListen(port: number, host: string): Promise<void> {
  if (port === 0) return
  const probe = createServer()
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject)
      probe.listen({ port, host }, resolve)
    })
  } catch (error) {
    throw listenProblem(error, port, host)
  }
  await new Promise((resolve) => probe.close(resolve))
}

const PROBLEMS: Readonly<Record<string, (port: number, host: string) => string>> = {
  EADDRINUSE: (port, host) => `PORT ${port} is already in use on ${host}: stop the process listening there or choose another PORT`,
  EACCES: (port) => `PORT ${port} needs privileges this process lacks: choose a PORT above 1023`,
  EADDRNOTAVAIL: (_port, host) => `HOST ${JSON.stringify(host)} is not an address of this machine`,
  ENOTFOUND: (_port, host) => `HOST ${JSON.stringify(host)} does not resolve to an address`,
  EAI_AGAIN: (_port, host) => `HOST ${JSON.stringify(host)} could not be resolved (DNS lookup failed)`,
}

/** The operator's words for a listen that failed because of `PORT` or `HOST`; other errors as they are. */
export function listenProblem(error: unknown, port: number, host: string): unknown {
  const problem = PROBLEMS[(error as NodeJS.ErrnoException).code ?? '']
  return problem ? new EnvError([problem(port, host)]) : error
}
