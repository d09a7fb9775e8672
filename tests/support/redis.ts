import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'

export interface RunningRedis {
  url: string
  port: number
  process: ChildProcess
  /** Kills it without a goodbye (SIGKILL). */
  kill: () => Promise<void>
  /** Starts it again on the same port: empty, or from its append-only file when started with a data folder. */
  restart: () => Promise<void>
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

function launch(port: number, extraArgs: string[]): Promise<ChildProcess> {
  // No RDB, no AOF unless extraArgs ask: a test run starts from nothing and
  // leaves nothing behind. DEBUG SLEEP (from loopback only) makes Redis hang on purpose.
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--enable-debug-command', 'local', ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000)
    child.on('error', error => reject(new Error(`redis-server could not start (is it installed? scripts/setup.sh installs it): ${error.message}`)))
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer)
        resolve(child)
      }
    })
    child.once('exit', code => reject(new Error(`redis-server exited with ${code}:\n${output}`)))
  })
}

/**
 * A real redis-server on a free port, for the tests that need one. With a
 * data folder it persists as docs/deploy.md says (AOF, fsync every second),
 * and a restart reads that folder back.
 */
export async function startRedis(options: { dataDir?: string } = {}): Promise<RunningRedis> {
  const port = await freePort()
  const extraArgs = options.dataDir ? ['--dir', options.dataDir, '--appendonly', 'yes', '--appendfsync', 'everysec'] : []
  const running: RunningRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    process: await launch(port, extraArgs),
    kill: () => new Promise((resolve) => {
      if (running.process.exitCode !== null || running.process.signalCode !== null) return resolve()
      running.process.once('exit', () => resolve())
      running.process.kill('SIGKILL')
    }),
    restart: async () => {
      await running.kill()
      running.process = await launch(port, extraArgs)
    },
  }
  return running
}
