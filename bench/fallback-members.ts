// The members of `npm run bench:fallback`, each as a page is one: a socket,
// or a stream down and a POST per frame up on a connection of its own.
import { Agent, request } from 'node:http'
import type { ClientRequest } from 'node:http'
import WebSocket from 'ws'

export interface Member { ping: () => void, close: () => void }

export async function socketMember(base: string, roomId: string, n: number): Promise<Member> {
  // A browser names its page's origin on the upgrade, and on every fallback request.
  const ws = new WebSocket(`${base.replace('http', 'ws')}/ws`, { origin: base })
  await new Promise((done, fail) => ws.once('open', done).once('error', fail))
  const joined = new Promise<void>(done => ws.on('message', (data) => {
    if (data.toString().startsWith('{"type":"joined"')) done()
  }))
  ws.send(JSON.stringify({ type: 'join', roomId, name: `m${n}`, create: true }))
  await joined
  return { ping: () => ws.send('{"type":"ping"}'), close: () => ws.terminate() }
}

function post(base: string, agent: Agent, session: string, frames: string[], ack: string | undefined, close = false): Promise<number> {
  const url = `${base}/ws/send?session=${session}${ack ? `&ack=${ack}` : ''}${close ? '&close=1' : ''}`
  const body = JSON.stringify(frames)
  return new Promise((done, fail) => {
    const req = request(url, { method: 'POST', agent, headers: { 'origin': base, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume()
      res.once('end', () => done(res.statusCode ?? 0))
    })
    req.once('error', fail)
    req.end(body)
  })
}

/**
 * A fallback member as a page is one: one stream, a POST per ping carrying
 * the last event id read, on a connection of its own that it keeps alive as
 * a browser does (not one pool for every member, which would spare the
 * server the connections that real pages make it hold and accept).
 */
export async function streamMember(base: string, roomId: string, n: number): Promise<Member> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  let lastEventId: string | undefined
  let stream: ClientRequest | undefined
  const session = await new Promise<string>((done, fail) => {
    stream = request(`${base}/ws/stream`, { agent: false, headers: { origin: base } }, (res) => {
      let pending = ''
      let named = false
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        pending += chunk
        const blocks = pending.split('\n\n')
        pending = blocks.pop()!
        for (const block of blocks) {
          const id = /^id: (\d+)$/m.exec(block)?.[1]
          if (id) lastEventId = id
          const sessionId = /"session":"([\w-]+)"/.exec(block)?.[1]
          if (sessionId && !named) {
            named = true
            done(sessionId)
          }
        }
      })
    })
    stream.once('error', fail)
    stream.end()
  })
  await post(base, agent, session, [JSON.stringify({ type: 'join', roomId, name: `m${n}`, create: true })], undefined)
  return {
    ping: () => void post(base, agent, session, ['{"type":"ping"}'], lastEventId).catch(() => {}),
    // As a page closes: the session ends at once, not after the resume window.
    close: () => {
      void post(base, agent, session, [], undefined, true).catch(() => {}).finally(() => {
        stream?.destroy()
        agent.destroy()
      })
    },
  }
}
