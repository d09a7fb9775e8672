// The attackers of the hostile soak, in a process of their own so that the
// test process measures the legitimate clients' round trips undisturbed.
// node hostile-load.mjs <baseUrl> <seconds>; prints one JSON line of counts.
import { request } from 'node:http'
import { connect } from 'node:net'

const [baseUrl, secondsArg] = process.argv.slice(2)
const url = new URL(baseUrl)
const endAt = Date.now() + Number(secondsArg) * 1000
const counts = { floodersCut: 0, sleepersCut: 0, refusedSockets: 0, oversizedPosts: 0, status413: 0 }
const running = () => Date.now() < endAt

function frame(text) {
  const payload = Buffer.from(text)
  const head = payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length]) : Buffer.from([0x81, 0xfe, payload.length >> 8, payload.length & 0xff])
  return Buffer.concat([head, Buffer.alloc(4), payload])
}

/** Upgrades, then reads nothing more; resolves with the socket, or undefined when refused. */
function nonReader(localAddress) {
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port), localAddress })
    socket.on('error', () => resolve(undefined))
    socket.once('connect', () => socket.write(`GET /ws HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`))
    socket.once('data', (chunk) => {
      socket.pause()
      resolve(chunk.toString('latin1').startsWith('HTTP/1.1 101') ? socket : undefined)
    })
    socket.once('close', () => resolve(undefined))
  })
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

// Joined sockets that flood pings and chat as fast as they can write and never read; each comes back when cut.
async function flooder(i) {
  while (running()) {
    const socket = await nonReader(`127.0.20.${i + 1}`)
    if (!socket) {
      await sleep(100)
      continue
    }
    socket.write(frame(JSON.stringify({ type: 'join', roomId: 'hostile-flood', name: `flooder${i}`, create: true })))
    await sleep(50)
    const closed = new Promise(resolve => socket.once('close', resolve))
    const ping = frame('{"type":"ping"}')
    const chat = frame(JSON.stringify({ type: 'chat', text: 'x'.repeat(1500) }))
    let cut = false
    socket.once('close', () => (cut = true))
    while (running() && !cut) {
      if (!socket.write(Math.random() < 0.5 ? ping : chat)) await Promise.race([new Promise(resolve => socket.once('drain', resolve)), closed, sleep(1000)])
    }
    if (cut) counts.floodersCut++
    socket.destroy()
  }
}

// Members of a busy room that ping like live pages but never read what the room sends them.
async function sleeper(i) {
  while (running()) {
    const socket = await nonReader(`127.0.21.${i + 1}`)
    if (!socket) {
      await sleep(100)
      continue
    }
    socket.write(frame(JSON.stringify({ type: 'join', roomId: 'hostile-busy', name: `sleeper${i}`, create: true })))
    let cut = false
    socket.once('close', () => (cut = true))
    while (running() && !cut) {
      socket.write(frame('{"type":"ping"}'))
      await sleep(400)
    }
    if (cut) counts.sleepersCut++
    socket.destroy()
  }
}

// One address over its socket cap, opening and never answering the close.
async function lingerer() {
  const held = []
  while (running()) {
    const socket = await nonReader('127.0.22.1')
    if (socket) held.push(socket)
    counts.refusedSockets++
    await sleep(20)
  }
  for (const socket of held) socket.destroy()
}

// 64 MiB bodies, chunked, one after another.
async function oversized() {
  const chunk = Buffer.alloc(1024 * 1024, 0x7b)
  while (running()) {
    counts.oversizedPosts++
    const status = await new Promise((resolve) => {
      const req = request({ host: url.hostname, port: url.port, path: '/api/rooms/hostile-busy/away', method: 'POST', localAddress: '127.0.23.1', agent: false, headers: { 'transfer-encoding': 'chunked' } })
      let sent = 0
      let answered = false
      req.on('response', (res) => {
        answered = true
        res.resume()
        resolve(res.statusCode)
      })
      req.on('error', () => resolve(0))
      const write = () => {
        while (!answered && sent < 64) {
          sent++
          if (!req.write(chunk)) return void req.once('drain', write)
        }
        if (!answered) req.end()
      }
      write()
    })
    if (status === 413) counts.status413++
    await sleep(200)
  }
}

// Senders at the allowed rate into the busy room, so that the sleepers' backlog grows.
async function sender(i) {
  const socket = await nonReader(`127.0.24.${i + 1}`)
  if (!socket) return
  socket.resume()
  socket.on('data', () => {})
  socket.write(frame(JSON.stringify({ type: 'join', roomId: 'hostile-busy', name: `sender${i}`, create: true })))
  let n = 0
  while (running() && !socket.destroyed) {
    socket.write(frame(JSON.stringify({ type: 'chat', text: `${'y'.repeat(1900)} ${n++}` })))
    if (n % 4 === 0) socket.write(frame('{"type":"ping"}'))
    await sleep(110)
  }
  socket.destroy()
}

await Promise.all([
  ...Array.from({ length: 8 }, (_, i) => flooder(i)),
  ...Array.from({ length: 20 }, (_, i) => sleeper(i)),
  ...Array.from({ length: 10 }, (_, i) => sender(i)),
  lingerer(),
  oversized(),
])
console.log(JSON.stringify(counts))
process.exit(0)
