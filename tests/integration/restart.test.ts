import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import type { ChatMessage } from '../../shared/protocol'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, joinRoom } from '../support/ws-client'
import { logLines } from '../support/log-lines'

// The default store keeps rooms in NUXT_DATA_DIR/rooms.db. Each test here
// restarts a server on the same folder, as a deploy or a crash would.
const cleanups: Array<() => void | Promise<void>> = []
afterEach(async () => {
  closeAllClients()
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hb-restart-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

async function serverOn(dir: string): Promise<RunningServer> {
  const server = await startServer({ NUXT_DATA_DIR: dir })
  cleanups.push(() => server.stop())
  return server
}

async function stopWith(server: RunningServer, signal: 'SIGKILL' | 'SIGTERM'): Promise<number | null> {
  const exited = new Promise<number | null>(resolve => server.process.once('exit', code => resolve(code)))
  server.process.kill(signal)
  return exited
}

const chatsIn = (frames: Array<{ type: string }>) => frames.filter((frame): frame is ChatMessage => frame.type === 'chat')

describe.each(['SIGKILL', 'SIGTERM'] as const)('a restart after %s on the same data folder', (signal) => {
  it('every open client resumes as the same member with recovered: true, nothing lost, nothing twice', async () => {
    const dir = dataDir()
    const first = await serverOn(dir)
    const room = `restart-${signal.toLowerCase()}`
    const ada = await joinRoom(first.wsUrl, room, 'Ada')
    const bob = await joinRoom(first.wsUrl, room, 'Bob')
    for (let i = 1; i <= 10; i++) {
      ada.client.send({ type: 'chat', text: `m${i}`, clientId: `c${i}` })
      expect(await ada.client.next('chat')).toMatchObject({ text: `m${i}`, seq: i })
    }
    // Right after the ack of m10: m11 may or may not have been taken; the
    // page's outbox sends it again either way.
    ada.client.send({ type: 'chat', text: 'm11', clientId: 'c11' })
    const exitCode = await stopWith(first, signal)
    if (signal === 'SIGTERM') expect(exitCode).toBe(0)
    const adaSaw = Math.max(...chatsIn(ada.client.frames).map(m => m.seq))
    const bobSaw = Math.max(0, ...chatsIn(bob.client.frames).map(m => m.seq))

    const second = await serverOn(dir)
    const adaBack = await joinRoom(second.wsUrl, room, 'Ada', { token: ada.joined.token, lastSeq: adaSaw })
    expect(adaBack.joined).toMatchObject({ recovered: true, you: ada.joined.you, token: ada.joined.token })
    adaBack.client.send({ type: 'chat', text: 'm11', clientId: 'c11' })
    const m11 = adaBack.joined.history.find(m => m.clientId === 'c11') ?? await adaBack.client.next('chat')
    expect(m11).toMatchObject({ text: 'm11', seq: 11 })

    const bobBack = await joinRoom(second.wsUrl, room, 'Bob', { token: bob.joined.token, lastSeq: bobSaw })
    expect(bobBack.joined).toMatchObject({ recovered: true, you: bob.joined.you })
    expect(bobBack.joined.history.map(m => m.seq)).toEqual(Array.from({ length: 11 - bobSaw }, (_, i) => bobSaw + 1 + i))

    const cy = await joinRoom(second.wsUrl, room, 'Cy')
    expect(cy.joined.history.map(m => m.text)).toEqual(Array.from({ length: 11 }, (_, i) => `m${i + 1}`))
    expect(cy.joined.history.map(m => m.seq)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1))
    expect(cy.joined.presence.members).toBe(3)
  })
})

describe('after a restart', () => {
  it('members count as online again once they ping, and pings write nothing to disk', async () => {
    const dir = dataDir()
    const first = await serverOn(dir)
    const ada = await joinRoom(first.wsUrl, 'pings', 'Ada')
    const bob = await joinRoom(first.wsUrl, 'pings', 'Bob')
    ada.client.send({ type: 'chat', text: 'hello', clientId: 'c1' })
    await ada.client.next('chat')
    await stopWith(first, 'SIGKILL')

    const second = await serverOn(dir)
    const adaBack = await joinRoom(second.wsUrl, 'pings', 'Ada', { token: ada.joined.token, lastSeq: 1 })
    // Bob has not come back yet: a member, not online.
    expect(adaBack.joined.presence).toMatchObject({ online: 1, members: 2 })
    // Every write goes into the log first (the file itself changes only when
    // a background checkpoint copies the log into it).
    const files = () => ['rooms.db-wal'].map((name) => {
      const stat = statSync(join(dir, name))
      return { name, size: stat.size, modified: stat.mtimeMs }
    })
    await new Promise(resolve => setTimeout(resolve, 300))
    const before = files()
    const bobBack = await joinRoom(second.wsUrl, 'pings', 'Bob', { token: bob.joined.token, lastSeq: 1 })
    expect(bobBack.joined.presence).toMatchObject({ online: 2, members: 2 })
    for (let i = 0; i < 10; i++) {
      adaBack.client.send({ type: 'ping' })
      bobBack.client.send({ type: 'ping' })
      await adaBack.client.next('pong')
      await bobBack.client.next('pong')
      await new Promise(resolve => setTimeout(resolve, 150))
    }
    expect(files()).toEqual(before)
  })
})

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')

/** What a start on `dir` printed when it failed; a server that started anyway is stopped. */
async function failedStart(dir: string): Promise<string> {
  return startServer({ NUXT_DATA_DIR: dir }).then(async (server) => {
    await server.stop()
    return 'the server started'
  }, (error: Error) => error.message)
}

describe('the rooms file', () => {
  it('holds no room password and no member token in the clear', async () => {
    const dir = dataDir()
    const server = await serverOn(dir)
    const ada = await joinRoom(server.wsUrl, 'secret-room', 'Ada', { password: 'correct horse battery' })
    ada.client.send({ type: 'chat', text: 'a message is stored as it is', clientId: 'c1' })
    await ada.client.next('chat')
    expect(await stopWith(server, 'SIGTERM')).toBe(0)
    const file = readFileSync(join(dir, 'rooms.db'))
    expect(file.includes('a message is stored as it is')).toBe(true)
    expect(file.includes('correct horse battery')).toBe(false)
    expect(file.includes(ada.joined.token)).toBe(false)
  })
})

describe('a database file the server must not use', () => {
  it('a file from a newer schema stops the start with a message naming it, and is left as it was', async () => {
    const dir = dataDir()
    const file = join(dir, 'rooms.db')
    const newer = new Database(file)
    newer.pragma('user_version = 99')
    newer.exec('CREATE TABLE from_the_future (x)')
    newer.close()
    const before = sha256(file)
    expect(logLines(await failedStart(dir))).toContainEqual(expect.objectContaining({ event: 'cannot_start', level: 'error', msg: expect.stringContaining(`cannot start: ${file} was written by a newer version of Heartbeat Chat (schema 99`) }))
    expect(sha256(file)).toBe(before)
  })

  it('a damaged file stops the start with a message naming it, and is left as it was', async () => {
    const dir = dataDir()
    const first = await serverOn(dir)
    const ada = await joinRoom(first.wsUrl, 'damaged', 'Ada')
    ada.client.send({ type: 'chat', text: 'soon unreadable' })
    await ada.client.next('chat')
    await stopWith(first, 'SIGTERM')
    const file = join(dir, 'rooms.db')
    const bytes = readFileSync(file)
    // The second page (a table's root) overwritten with noise, as a bad disk would.
    bytes.fill(0xA5, 4096, 4096 + 512)
    writeFileSync(file, bytes)
    const before = sha256(file)
    expect(logLines(await failedStart(dir))).toContainEqual(expect.objectContaining({ event: 'cannot_start', level: 'error', msg: expect.stringContaining(`cannot start: ${file} is damaged`) }))
    expect(sha256(file)).toBe(before)
  })
})
