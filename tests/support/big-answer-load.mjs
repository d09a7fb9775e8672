// The big-answer floods of the hostile soak (issue 18, point 1): 50 sockets
// from one address (the per-address cap) ask for answers that are large to
// build and to send. In a process of its own, so that the test process
// measures the legitimate client undisturbed.
// node big-answer-load.mjs <wsUrl> <phase> <seconds> <textChars>
//   phase: seed | history | react | churn | resume
// Prints one JSON line of counts.
import WebSocket from 'ws'

const [wsUrl, phase, secondsArg, textCharsArg] = process.argv.slice(2)
const ADDRESS = '127.0.40.1'
const ROOM = 'big-answers'
const SOCKETS = 50
// Just under the 10 frames a second a socket may send.
const FRAME_GAP_MS = 111
const endAt = Date.now() + Number(secondsArg) * 1000
const running = () => Date.now() < endAt
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))
const counts = { phase, sent: 0, answers: 0, answerBytes: 0, largestAnswer: 0, rateLimited: 0, errors: {}, joins: 0, closed: 0 }

/** An open socket from the attacking address, counting what it receives. */
function open() {
  return new Promise((resolve) => {
    const ws = new WebSocket(wsUrl, { localAddress: ADDRESS })
    const waiting = []
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString())
      if (frame.type === 'history' || frame.type === 'joined') {
        counts.answers++
        counts.answerBytes += data.length
        counts.largestAnswer = Math.max(counts.largestAnswer, data.length)
      }
      if (frame.type === 'error') {
        if (frame.code === 'RATE_LIMITED') counts.rateLimited++
        else counts.errors[frame.code] = (counts.errors[frame.code] ?? 0) + 1
      }
      for (const waiter of waiting.splice(0)) waiter(frame)
    })
    ws.on('error', () => {})
    ws.once('close', () => {
      counts.closed++
      for (const waiter of waiting.splice(0)) waiter(undefined)
    })
    ws.once('open', () => resolve({
      ws,
      send: (frame) => {
        if (ws.readyState !== ws.OPEN) return
        counts.sent++
        ws.send(JSON.stringify(frame))
      },
      /** The next frame of that type (or any error), or undefined once closed or after 5 s. */
      next: type => new Promise((done) => {
        const timer = setTimeout(() => done(undefined), 5000)
        const waiter = (frame) => {
          if (frame && frame.type !== type && frame.type !== 'error') return void waiting.push(waiter)
          clearTimeout(timer)
          done(frame)
        }
        waiting.push(waiter)
      }),
    }))
    ws.once('error', () => resolve(undefined))
  })
}

async function joined(i, extra = {}) {
  const socket = await open()
  if (!socket) return undefined
  // A name of its own per phase: the members an earlier phase made still hold theirs (memberships last).
  socket.send({ type: 'join', roomId: ROOM, name: `${phase}${i}`, create: true, ...extra })
  const frame = await socket.next('joined')
  if (frame?.type !== 'joined') {
    socket.ws.terminate()
    return undefined
  }
  counts.joins++
  keepAlive(socket.ws)
  return { ...socket, joined: frame }
}

// Members that ping, as a page does: the server keeps them, and answers their
// floods, rather than dropping them as joins that never pinged.
function keepAlive(ws) {
  const beat = setInterval(() => ws.readyState === ws.OPEN && ws.send('{"type":"ping"}'), 500)
  ws.once('close', () => clearInterval(beat))
}

// Text as heavy in bytes as the server takes: every U+0001 is 6 bytes of JSON.
function bigText(n) {
  return `a${'\u0001'.repeat(Math.max(0, Number(textCharsArg) - 1))} ${n}`.slice(0, Number(textCharsArg))
}

async function seed() {
  const sockets = (await Promise.all(Array.from({ length: SOCKETS }, (_, i) => joined(i)))).filter(Boolean)
  await Promise.all(sockets.map(async (socket, i) => {
    for (let n = 0; n < 10; n++) {
      socket.send({ type: 'chat', text: bigText(i * 10 + n), clientId: `seed-${i}-${n}` })
      await sleep(FRAME_GAP_MS * 2)
    }
    await sleep(1000)
    socket.ws.close()
  }))
}

// Each socket asks for the newest 100 messages, nine times a second.
async function historyFlood(i) {
  const socket = await joined(i)
  if (!socket) return
  const before = (socket.joined.history.at(-1)?.seq ?? 500) + 1
  while (running() && socket.ws.readyState === socket.ws.OPEN) {
    socket.send({ type: 'history', before, limit: 100 })
    await sleep(FRAME_GAP_MS)
  }
  socket.ws.terminate()
}

// Reactions on ids no message has: each a lookup by id.
async function reactFlood(i) {
  const socket = await joined(i)
  if (!socket) return
  let n = 0
  while (running() && socket.ws.readyState === socket.ws.OPEN) {
    socket.send({ type: 'react', id: `nope-${i}-${n++}`, emoji: '👍' })
    await sleep(FRAME_GAP_MS)
  }
  socket.ws.terminate()
}

// Join, leave, join again on one socket: every join carries the room's history.
async function churn(i) {
  const socket = await open()
  if (!socket) return
  while (running() && socket.ws.readyState === socket.ws.OPEN) {
    socket.send({ type: 'join', roomId: ROOM, name: `churn${i}`, create: true })
    await sleep(FRAME_GAP_MS)
    socket.send({ type: 'leave' })
    await sleep(FRAME_GAP_MS)
  }
  socket.ws.terminate()
}

// A member reconnecting again and again, each time resuming from seq 0.
async function resumeLoop(i) {
  const first = await joined(1000 + i)
  if (!first) return
  const token = first.joined.token
  first.ws.terminate()
  while (running()) {
    const socket = await open()
    if (!socket) {
      await sleep(100)
      continue
    }
    socket.send({ type: 'join', roomId: ROOM, name: `${phase}${1000 + i}`, token, lastSeq: 0 })
    await socket.next('joined')
    socket.ws.terminate()
  }
}

const FLOODS = { history: historyFlood, react: reactFlood, churn, resume: resumeLoop }
if (phase === 'seed') await seed()
else await Promise.all(Array.from({ length: SOCKETS }, (_, i) => FLOODS[phase](i)))
console.log(JSON.stringify(counts))
process.exit(0)
