import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const SERVER_ENTRY = fileURLToPath(new URL('../../.output/server/index.mjs', import.meta.url))

/** Unlocks the details of /api/health on a server started here. */
export const METRICS_TOKEN = 'test-metrics-token'
export const METRICS_HEADERS = { authorization: `Bearer ${METRICS_TOKEN}` }

/** Small timings so presence tests run in seconds, not tens of seconds. */
export const FAST_ENV = {
  NUXT_PUBLIC_HEARTBEAT_INTERVAL_MS: '500',
  NUXT_HEARTBEAT_WINDOW_MS: '1500',
  NUXT_SWEEP_INTERVAL_MS: '100',
  NUXT_PUBLIC_RECONNECT_MAX_RETRIES: '3',
  // Every test client comes from 127.0.0.1; the per-address caps have their own tests.
  NUXT_MAX_CONNECTIONS_PER_ADDRESS: '1000',
  NUXT_MAX_TCP_CONNECTIONS_PER_ADDRESS: '2000',
  NUXT_METRICS_TOKEN: METRICS_TOKEN,
  NUXT_MEMBERS_PER_ADDRESS: '100000',
  NUXT_ROOMS_PER_ADDRESS_PER_MINUTE: '100000',
  NUXT_PASSWORD_HASHES_PER_MINUTE: '100000',
}

export interface RunningServer {
  url: string
  wsUrl: string
  process: ChildProcess
  output: () => string
  /** The server's NUXT_DATA_DIR: a temp folder of its own unless the test gave one (undefined with NUXT_STORE=memory or Redis). */
  dataDir: string | undefined
  /** SIGKILL; a data folder made here is removed with it. */
  stop: () => Promise<void>
  /** Heap in use after a full GC, and open TCP sockets; needs `startServer(env, { heapProbe: true })`. */
  probe: () => Promise<{ heapUsed: number, sockets: number }>
}

const HEAP_PROBE = fileURLToPath(new URL('./heap-probe.cjs', import.meta.url))

/**
 * Starts the production build on a free port (PORT=0, or `port` for a
 * restart that browsers must find again) and waits for it to listen; an
 * undefined in `env` drops that FAST_ENV value, so the app's default applies.
 * Its rooms database lives in a temp folder of its own, so tests never share
 * one; a test that restarts a server on the same data passes NUXT_DATA_DIR.
 */
export async function startServer(env: Record<string, string | undefined> = {}, options: { heapProbe?: boolean, port?: number } = {}): Promise<RunningServer> {
  if (!existsSync(SERVER_ENTRY)) throw new Error(`${SERVER_ENTRY} is missing: run "npm run build" first`)
  const nodeArgs = options.heapProbe ? ['--expose-gc', '--require', HEAP_PROBE] : []
  const usesFile = env.NUXT_STORE !== 'memory' && !env.NUXT_REDIS_URL
  const ownDataDir = usesFile && !env.NUXT_DATA_DIR ? mkdtempSync(join(tmpdir(), 'hb-data-')) : undefined
  const dataDir = usesFile ? env.NUXT_DATA_DIR ?? ownDataDir : undefined
  const child = spawn(process.execPath, [...nodeArgs, SERVER_ENTRY], {
    env: { ...process.env, NODE_ENV: 'production', ...FAST_ENV, ...env, ...(dataDir ? { NUXT_DATA_DIR: dataDir } : {}), PORT: String(options.port ?? 0), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const removeOwnDataDir = () => {
    if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true })
  }
  let output = ''
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /Listening on https?:\/\/[^\s]*:(\d+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(Number(match[1]))
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) => {
      removeOwnDataDir()
      reject(new Error(`server exited with ${code}:\n${output}`))
    })
  })
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    process: child,
    output: () => output,
    dataDir,
    probe: async () => {
      const seen = output.length
      child.kill('SIGUSR2')
      for (let waited = 0; waited < 5000; waited += 20) {
        const match = /\[heap-probe\] heapUsed=(\d+) sockets=(\d+)/.exec(output.slice(seen))
        if (match) return { heapUsed: Number(match[1]), sockets: Number(match[2]) }
        await new Promise(resolve => setTimeout(resolve, 20))
      }
      throw new Error('the heap probe did not answer')
    },
    stop: () => new Promise((resolve) => {
      const done = () => {
        removeOwnDataDir()
        resolve()
      }
      if (child.exitCode !== null || child.signalCode !== null) return done()
      child.once('exit', done)
      child.kill('SIGKILL')
    }),
  }
}
