import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { BenchResult } from '../../bench/report'
import type { ServerResult } from '../../bench/scenario'

const outDir = mkdtempSync(join(tmpdir(), 'bench-smoke-'))
afterAll(() => rmSync(outDir, { recursive: true, force: true }))

/** `npm run bench -- --quick`, exactly as a person would run it; resolves with its exit code and output. */
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

describe('the load benchmark', () => {
  it('a quick run measures both servers: every client joins, every fan-out and presence reaches the whole room', async () => {
    const out = join(outDir, 'quick.json')
    const { code, output } = await runQuickBench(out)
    expect(code, output).toBe(0)
    const result = JSON.parse(readFileSync(out, 'utf8')) as BenchResult
    expectMeasured(result.servers.app, result)
    expectMeasured(result.servers.baseline, result)
    for (const row of result.headline) {
      finite(row.app)
      finite(row.baseline)
    }
    expect(readFileSync(join(outDir, 'quick.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\n$/)
    expect(output).toContain('app/baseline')
  }, 90_000)
})
