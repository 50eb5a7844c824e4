import { type ChildProcess, spawn } from 'node:child_process'
import { createConnection } from 'node:net'

/**
 * A Redis server of the test's own, on a free loopback port, so a test can stop and restart it
 * without touching the machine's Redis or other test files.
 */
export class TestRedis {
  private child: ChildProcess | undefined

  private constructor(readonly port: number) {}

  /** Starts a server on a free loopback port. */
  static async start(): Promise<TestRedis> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const redis = new TestRedis(20_000 + Math.floor(Math.random() * 20_000))
      if (await redis.up()) return redis
    }
    throw new Error('no free port for a test Redis')
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`
  }

  /** Starts the server on its port (again, after `down`): `false` when another process holds the port. */
  async up(): Promise<boolean> {
    if (await reachable(this.port)) return this.child !== undefined
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    })
    let failed: NodeJS.ErrnoException | undefined
    this.child.once('error', (error) => {
      failed = error
    })
    for (let i = 0; i < 100; i++) {
      if (await reachable(this.port)) return true
      if (failed?.code === 'ENOENT') throw new Error(NO_REDIS_SERVER)
      if (failed) throw failed
      if (this.child.exitCode !== null) return false
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    return false
  }

  /** Freezes the server without closing anything: connections are accepted and never answered. */
  pause(): void {
    this.child?.kill('SIGSTOP')
  }

  /** Lets a paused server answer again. */
  resume(): void {
    this.child?.kill('SIGCONT')
  }

  /** Kills the server, as a crash would: its data is gone. */
  async down(): Promise<void> {
    const child = this.child
    if (!child || child.exitCode !== null) return
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve())
      child.kill('SIGKILL')
    })
    this.child = undefined
  }
}

const NO_REDIS_SERVER =
  'redis-server is not on PATH: the tests start Redis servers of their own (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis)'

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}
