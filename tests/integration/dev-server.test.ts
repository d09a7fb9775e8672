import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../support/redis'

// `nuxt dev`, not the build: what a developer runs. Its first start compiles
// the app, hence the long timeouts.
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
let dev: ChildProcess
let output = ''
let port = 0

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

async function openJoined(name: string): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`)
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  ws.send(JSON.stringify({ type: 'join', roomId: 'dev-resets', name, create: true }))
  await new Promise(resolve => ws.once('message', resolve))
  return ws
}

beforeAll(async () => {
  port = await freePort()
  dev = spawn(process.execPath, ['node_modules/@nuxt/cli/bin/nuxi.mjs', 'dev', '--port', String(port), '--host', '127.0.0.1'], {
    cwd: ROOT,
    // Rooms in memory: this test is about sockets, and must not write the checkout's .data/.
    env: { ...process.env, NODE_ENV: 'development', PORT: String(port), NUXT_STORE: 'memory' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  dev.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  dev.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  // Up once a page renders and the socket answers a join.
  for (let waited = 0; waited < 150_000; waited += 500) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/`)).ok) {
        (await openJoined('probe')).close()
        return
      }
    }
    catch {
      // Not listening yet: asked again after the pause.
    }
    await sleep(500)
  }
  throw new Error(`nuxt dev did not come up:\n${output}`)
}, 180_000)

afterAll(() => {
  dev?.kill('SIGKILL')
})

describe('nuxt dev', () => {
  it('a browser resetting its socket logs no unhandled ECONNRESET and cuts no one else', async () => {
    const bystander = await openJoined('Bystander')
    let bystanderClosed = false
    bystander.once('close', () => { bystanderClosed = true })
    const restartsBefore = output.split('Local:').length
    for (let i = 0; i < 3; i++) {
      const leaving = await openJoined(`Resetter ${i}`)
      leaving.send(JSON.stringify({ type: 'ping' }))
      await sleep(100)
      // A TCP reset, as when a laptop lid closes on an open page.
      ;(leaving as unknown as { _socket: { resetAndDestroy: () => void } })._socket.resetAndDestroy()
    }
    await sleep(2000)
    bystander.send(JSON.stringify({ type: 'ping' }))
    const pong = await new Promise<string>(resolve => bystander.once('message', data => resolve(data.toString())))

    expect(output).not.toMatch(/ECONNRESET|unhandledRejection/)
    expect(output.split('Local:').length).toBe(restartsBefore)
    expect(bystanderClosed).toBe(false)
    expect(JSON.parse(pong)).toMatchObject({ type: 'pong' })
    bystander.close()
  }, 30_000)
})
