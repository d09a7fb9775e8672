import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { BenchResult } from '../../bench/report'
import type { ServerResult } from '../../bench/result-types'

const outDir = mkdtempSync(join(tmpdir(), 'bench-smoke-'))
afterAll(() => rmSync(outDir, { recursive: true, force: true }))

/** `npm run bench -- --quick` (app, app-memory, baseline, and app-2x: two instances on one redis-server), exactly as a person would run it; resolves with its exit code and output. */
function runQuickBench(out: string): Promise<{ code: number | null, output: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', 'bench', '--', '--quick', '--no-build', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('exit', code => resolve({ code, output }))
  })
}

const finite = (value: number | undefined) => expect(Number.isFinite(value)).toBe(true)

function expectMeasured(server: ServerResult | undefined, result: BenchResult): void {
  expect(server).toBeDefined()
  const { config } = result
  expect(server!.joinErrors).toEqual({})
  expect(server!.joined).toBe(server!.expectedJoins)
  expect(server!.expectedJoins).toBe(config.steps.at(-1)! + config.roomSizes.reduce((a, b) => a + b, 0))
  expect(server!.steps.map(step => step.connections)).toEqual(config.steps)
  for (const step of server!.steps) {
    for (const value of [step.joinsPerSec, step.rssPerConnectionBytes, step.cpu.serverPercent, step.cpu.generatorPercent, step.pongRtt.p99]) finite(value)
    expect(step.pongsPerSec).toBeGreaterThan(0)
  }
  const latencies = [...server!.steps, ...server!.roomSizes].flatMap(({ fanout, presence }) => [fanout, presence])
  for (const latency of latencies) {
    // Every trial reached every member of the room.
    expect(latency.complete).toBe(latency.trials)
    finite(latency.p50)
    finite(latency.p99)
  }
  finite(server!.atDefaultInterval?.cpu.serverPercent)
  finite(server!.generatorCpuSec)
}

/** The redis-server two instances share is read apart from them, at every step. */
function expectRedisMeasured(server: ServerResult): void {
  finite(server.sidecarRssBeforeBytes.redis)
  for (const load of [...server.steps, server.atDefaultInterval!]) {
    expect(load.cpu.sidecars.map(sidecar => sidecar.name)).toEqual(['redis'])
    finite(load.cpu.sidecars[0]!.percent)
    expect(load.cpu.sidecars[0]!.rssMedianBytes).toBeGreaterThan(0)
    // Read from redis-server's INFO: the instances' beats at least, whatever the load.
    expect(load.redisCommandsPerSec).toBeGreaterThan(0)
  }
}

/** Every chat message of the throughput phase was acknowledged to its sender; the SQLite file was measured. */
function expectChatMeasured(server: ServerResult, withDatabase: boolean): void {
  const chat = server.chat!
  expect(chat.errors).toEqual({})
  expect(chat.acked).toBe(chat.sent)
  expect(chat.sent).toBeGreaterThan(0)
  for (const value of [chat.ackedPerSec, chat.ackLatency.p99, chat.cpu.serverPercent]) finite(value)
  if (withDatabase) expect(chat.database).toMatchObject({ messagesHeld: chat.sent, bytes: expect.any(Number) })
  else expect(chat.database).toBeUndefined()
}

/** The lobby case: every watcher got its snapshot and a diff a second, with CPU before, with and after them. */
function expectLobbyMeasured(server: ServerResult, result: BenchResult): void {
  const lobby = server.lobby!
  expect(lobby.errors).toEqual({})
  expect(lobby.watchers).toBe(result.config.lobbyWatchers)
  expect(lobby.rooms).toBe(result.config.lobbyRooms)
  for (const value of [lobby.before.serverPercent, lobby.watched.serverPercent, lobby.after.serverPercent, lobby.watcherCostPercent]) finite(value)
  expect(lobby.framesPerWatcherPerSec).toBeGreaterThan(0)
  expect(lobby.framesPerWatcherPerSec).toBeLessThanOrEqual(1.5)
}

/** The kinds a headline row has a figure for. */
function kindsOf(metric: string): string[] {
  if (metric.startsWith('redis-server')) return ['app-2x']
  if (metric.startsWith('rooms.db')) return ['app']
  if (metric.includes('chat')) return ['app', 'app-memory']
  return ['app', 'app-memory', 'baseline', 'app-2x']
}

describe('the load benchmark', () => {
  it('a quick run measures the app on SQLite and in memory, the baseline and two instances on one Redis: every client joins, every fan-out and presence reaches the whole room, every chat message is acknowledged', async () => {
    const out = join(outDir, 'quick.json')
    const { code, output } = await runQuickBench(out)
    expect(code, output).toBe(0)
    const result = JSON.parse(readFileSync(out, 'utf8')) as BenchResult
    expect(result.config.servers).toEqual(['app', 'app-memory', 'baseline', 'app-2x'])
    for (const kind of result.config.servers) expectMeasured(result.servers[kind], result)
    expect(result.config.servers.map(kind => result.servers[kind]!.instances)).toEqual([1, 1, 1, 2])
    expectRedisMeasured(result.servers['app-2x']!)
    expectChatMeasured(result.servers.app!, true)
    expectChatMeasured(result.servers['app-memory']!, false)
    for (const kind of ['app', 'app-2x'] as const) expectLobbyMeasured(result.servers[kind]!, result)
    expect(output).toContain('Lobby: watchers that never join')
    for (const row of result.headline) {
      for (const kind of kindsOf(row.metric)) finite(row[kind as keyof typeof row] as number | undefined)
    }
    expect(readFileSync(join(outDir, 'quick.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\n$/)
    expect(output).toContain('app/baseline')
    expect(output).toContain('app/app-memory')
    expect(output).toContain('app-2x/app')
  }, 200_000)
})
