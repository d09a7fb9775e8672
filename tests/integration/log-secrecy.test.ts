import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { pngBytes, upload } from '../support/files'
import { logLines } from '../support/log-lines'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, connect, joinRoom } from '../support/ws-client'

let server: RunningServer

// The most verbose level there is: nothing secret may reach even that.
beforeAll(async () => {
  server = await startServer({ NUXT_LOG_LEVEL: 'trace' })
})
afterEach(() => closeAllClients())
afterAll(() => server.stop())

const ROOM = 'unlisted-room-marker-q7'
const PUBLIC_ROOM = 'public-room-marker-p3'
const SECRETS = {
  password: 'password-marker-x9',
  wrongPassword: 'wrong-password-marker-w5',
  name: 'NameMarkerZed',
  otherName: 'NameMarkerYara',
  title: 'Title marker unlisted',
  text: 'chat-text-marker-k4',
  caption: 'caption-marker-c8',
  fileName: 'file-name-marker-m2.png',
  refusedFileName: 'refused-file-marker-r6.exe',
  badToken: 'bad-token-marker-t1',
}

async function post(path: string, body: unknown): Promise<number> {
  const res = await fetch(`${server.url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })
  await res.arrayBuffer()
  return res.status
}

describe('the log at its most verbose', () => {
  it('never holds a token, password, message text, file name, member name or unlisted room id, even when requests fail', async () => {
    const ada = await joinRoom(server.wsUrl, ROOM, SECRETS.name, { password: SECRETS.password, title: SECRETS.title, visibility: 'unlisted' })
    const wrong = await connect(server.wsUrl)
    wrong.send({ type: 'join', roomId: ROOM, name: SECRETS.otherName, password: SECRETS.wrongPassword })
    expect(await wrong.next('error')).toMatchObject({ code: 'WRONG_PASSWORD' })
    const bob = await joinRoom(server.wsUrl, ROOM, SECRETS.otherName, { password: SECRETS.password })
    ada.client.send({ type: 'chat', text: SECRETS.text, clientId: 'c-1' })
    await bob.client.next('chat')

    // Bad input that the server refuses, each carrying a marker.
    ada.client.send(`{"type":"chat","text":"${SECRETS.text}"`)
    ada.client.send({ type: SECRETS.text })
    ada.client.send({ type: 'chat', text: SECRETS.text, replyTo: SECRETS.text })
    ada.client.send({ type: 'chat', text: `${SECRETS.text}${'x'.repeat(20_000)}` })
    ada.client.send({ type: 'join', roomId: ROOM, name: SECRETS.name, password: SECRETS.password })
    await ada.client.next('error')
    const stranger = await connect(server.wsUrl)
    stranger.send({ type: 'join', roomId: `${ROOM}-${SECRETS.text}`, name: `${SECRETS.name}${'n'.repeat(200)}` })
    await stranger.next('error')

    // Files: one taken, one refused, one without a valid token.
    const sent = await upload(server.url, ROOM, ada.joined.token, { bytes: await pngBytes(64, 64), name: SECRETS.fileName, type: 'image/png' })
    expect(sent.status).toBe(201)
    ada.client.send({ type: 'chat', text: SECRETS.caption, attachments: [sent.body.file!.id], clientId: 'c-2' })
    await bob.client.next('chat')
    const refused = await upload(server.url, ROOM, ada.joined.token, { bytes: new Uint8Array([0x4D, 0x5A, 1, 2, 3]), name: SECRETS.refusedFileName })
    expect(refused.status).toBeGreaterThanOrEqual(400)
    expect((await upload(server.url, ROOM, SECRETS.badToken, { bytes: new Uint8Array([1]), name: SECRETS.fileName })).status).toBe(401)
    expect((await fetch(`${server.url}${sent.body.file!.url}`)).status).toBe(200)

    // The HTTP routes, with good and bad tokens, and the room's page.
    expect((await fetch(`${server.url}/api/rooms/${ROOM}`)).status).toBe(200)
    expect((await fetch(`${server.url}/room/${ROOM}?password=${SECRETS.password}`)).status).toBe(200)
    expect(await post(`/api/rooms/${ROOM}/away`, { token: bob.joined.token })).toBeLessThan(300)
    expect(await post(`/api/rooms/${ROOM}/leave`, { token: SECRETS.badToken })).toBe(403)
    expect(await post(`/api/rooms/${ROOM}/leave`, `{"token": "${SECRETS.badToken}`)).toBe(400)
    expect(await post(`/api/rooms/${ROOM}/leave`, { token: bob.joined.token })).toBeLessThan(300)
    expect((await fetch(`${server.url}/api/health`, { headers: { authorization: `Bearer ${SECRETS.badToken}` } })).status).toBe(200)
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${SECRETS.badToken}` } })).status).toBe(401)

    // A public room's id may be logged; joining it proves the log was written at all.
    await joinRoom(server.wsUrl, PUBLIC_ROOM, SECRETS.otherName, { visibility: 'public', title: 'Open' })
    await new Promise(resolve => setTimeout(resolve, 300))

    const output = server.output()
    const lines = logLines(output)
    expect(lines.map(line => line.event)).toEqual(expect.arrayContaining(['start', 'room_created', 'http_request', 'file_refused']))
    expect(lines).toContainEqual(expect.objectContaining({ event: 'http_request', method: 'GET', path: '/room/:id', status: 200 }))
    const secrets = [...Object.values(SECRETS), ROOM, ada.joined.token, bob.joined.token, sent.body.file!.id]
    for (const secret of secrets) expect(output.toLowerCase(), secret).not.toContain(secret.toLowerCase())
    // Every line the server wrote is one JSON event: nothing free-form slips past the logger.
    for (const line of output.split('\n').filter(Boolean)) {
      expect(JSON.parse(line), line).toEqual(expect.objectContaining({ time: expect.any(String), level: expect.any(String), msg: expect.any(String), event: expect.any(String) }))
    }
  })
})
