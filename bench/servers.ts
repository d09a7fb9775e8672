import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { resolve } from 'node:path'
import type { BenchConfig } from './config.js'

/** One child process of the run: a server, or the redis-server two instances share. */
export interface ChildServer {
  /** `app`, `baseline`, `app-2x-1`, `redis`: for messages and profile names. */
  name: string
  pid: number
  /** The last of what it printed, for error messages. */
  output: () => string
  stop: () => Promise<void>
}

/**
 * The app's settings for the run: its timings at their defaults, and its caps
 * (sockets and TCP connections per address, members per room, rooms, frames per second) out of
 * the way, since every client comes from 127.0.0.1 and one member posts every
 * fan-out probe. The same code paths run; only the thresholds are higher.
 */
export function serverEnv(config: BenchConfig): Record<string, string> {
  return {
    NUXT_PUBLIC_HEARTBEAT_INTERVAL_MS: String(config.intervalMs),
    NUXT_HEARTBEAT_WINDOW_MS: '8000',
    NUXT_SWEEP_INTERVAL_MS: '250',
    NUXT_PRESENCE_MERGE_MS: '100',
    NUXT_MAX_CONNECTIONS_PER_ADDRESS: '1000000',
    NUXT_MAX_TCP_CONNECTIONS_PER_ADDRESS: '1000000',
    NUXT_MAX_ROOM_MEMBERS: '100000',
    NUXT_MAX_ROOMS: '100000',
    NUXT_FRAMES_PER_SECOND: '1000',
    NUXT_FRAME_BURST: '1000',
    NUXT_MEMBERS_PER_ADDRESS: '1000000',
    NUXT_ROOMS_PER_ADDRESS_PER_MINUTE: '1000000',
  }
}

/** Builds the app when asked to, or when its entry is missing and building is allowed. */
export function ensureBuilt(config: BenchConfig): void {
  const entry = resolve(config.serverEntry)
  if (config.build === 'never' || (config.build === 'if-missing' && existsSync(entry))) {
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run "npx nuxt build" first (or drop --no-build)`)
    return
  }
  console.log(`[bench] building the app (npx nuxt build)${existsSync(entry) ? '' : `: ${config.serverEntry} is missing`}`)
  const result = spawnSync('npx', ['nuxt', 'build'], { stdio: 'inherit' })
  if (result.status !== 0 || !existsSync(entry)) throw new Error('nuxt build failed')
}

const PROFILES = resolve('bench/results/profiles')

const running = new Set<ChildProcess>()
// A run that dies half-way, or is stopped, must not leave a server holding thousands of sockets.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`[bench] stopped by ${signal}`)
    process.exit(130)
  })
}

/**
 * Spawns a child that is killed with the run, and resolves once its output
 * matches `ready` (with the match), or rejects if it exits or stays silent.
 */
export async function spawnServer(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp, graceMs: number): Promise<{ server: ChildServer, match: RegExpExecArray }> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  running.add(child)
  child.once('exit', () => running.delete(child))
  let output = ''
  const server: ChildServer = { name, pid: child.pid ?? -1, output: () => output, stop: () => stopProcess(child, graceMs) }
  const match = await new Promise<RegExpExecArray>((resolveMatch, reject) => {
    const fail = (message: string) => {
      clearTimeout(timer)
      void server.stop()
      reject(new Error(`${name} ${message}:\n${output}`))
    }
    const timer = setTimeout(() => fail('did not start within 30 s'), 30_000)
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8000)
      const found = ready.exec(output)
      if (!found || child.exitCode !== null) return
      clearTimeout(timer)
      child.off('exit', onExit)
      resolveMatch(found)
    }
    const onExit = (code: number | null) => fail(`exited with ${code}`)
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', onExit)
    child.once('error', error => fail(`could not start (${error.message})`))
  })
  return { server, match }
}

/** One Node server (the built app or the baseline) on a free port, with the run's env. */
export async function startNodeServer(name: string, script: string, config: BenchConfig, extraEnv: Record<string, string> = {}): Promise<{ server: ChildServer, wsUrl: string }> {
  const nodeArgs: string[] = []
  if (config.cpuProf || config.heapSnapshot) mkdirSync(PROFILES, { recursive: true })
  if (config.cpuProf) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${PROFILES}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`)
  if (config.heapSnapshot) nodeArgs.push('--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${PROFILES}`)
  const env = { ...process.env, ...serverEnv(config), ...extraEnv, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'production' }
  const { server, match } = await spawnServer(name, process.execPath, [...nodeArgs, script], env, /Listening on https?:\/\/[^\s]*:(\d+)/, config.cpuProf ? 20_000 : 3_000)
  return { server, wsUrl: `ws://127.0.0.1:${match[1]}/ws` }
}

/** SIGTERM (so a --cpu-prof profile is written), then SIGKILL if it lingers. */
function stopProcess(child: ChildProcess, graceMs: number): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return done()
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    child.once('exit', () => {
      clearTimeout(timer)
      done()
    })
    child.kill('SIGTERM')
  })
}

/** Asks a server started with --heapsnapshot-signal=SIGUSR2 for a snapshot; resolves with its path once written. */
export async function takeHeapSnapshot(server: ChildServer, dir = PROFILES): Promise<string> {
  const before = new Set(readdirSync(dir))
  process.kill(server.pid, 'SIGUSR2')
  let lastSize = -1
  for (let waited = 0; waited < 120_000; waited += 500) {
    await sleep(500)
    const file = readdirSync(dir).find(name => name.endsWith('.heapsnapshot') && !before.has(name))
    if (!file) continue
    // V8 writes the snapshot while the server's loop stands still: done when it stops growing.
    const size = statSync(resolve(dir, file)).size
    if (size > 0 && size === lastSize) return resolve(dir, file)
    lastSize = size
  }
  throw new Error(`no heap snapshot from ${server.name} within 2 minutes`)
}
