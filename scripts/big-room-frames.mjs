// Frame times of the room page in Chromium for a big room: 5,000 members and
// 5,000 loaded messages, while 100 presence changes and 100 messages arrive,
// and while the list scrolls. Runs the production build (npm run build first):
//   node scripts/big-room-frames.mjs [members] [messages]
// Prints requestAnimationFrame deltas (ms): what a reader would see as jank.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chromium } from '@playwright/test'
import WebSocket from 'ws'

const MEMBERS = Number(process.argv[2] ?? 5000)
const MESSAGES = Number(process.argv[3] ?? 5000)
const ROOM = `big-${Date.now().toString(36)}`

function startServer() {
  const server = spawn(process.execPath, ['.output/server/index.mjs'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      NUXT_HISTORY_LIMIT: String(MESSAGES + 100),
      // Seeded members never ping: they must stay members for the whole run.
      NUXT_NEVER_PINGED_MEMBER_TTL_MS: '3600000',
      NUXT_MEMBER_TTL_MS: '3600000',
      NUXT_MAX_CONNECTIONS_PER_ADDRESS: '1000',
      NUXT_MAX_TCP_CONNECTIONS_PER_ADDRESS: '2000',
      NUXT_MEMBERS_PER_ADDRESS: '100000',
      NUXT_ROOMS_PER_ADDRESS_PER_MINUTE: '100000',
      NUXT_FRAMES_PER_SECOND: '2000',
      NUXT_FRAME_BURST: '4000',
      NUXT_HTTP_REQUESTS_PER_SECOND: '1000',
      NUXT_HTTP_BURST: '1000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return new Promise((resolve, reject) => {
    server.stdout.on('data', (data) => {
      const match = /Listening on (http:\/\/[^\s]+)/.exec(String(data))
      if (match) resolve({ url: match[1].replace(/\/$/, ''), server })
    })
    server.once('exit', code => reject(new Error(`server exited with ${code}`)))
  })
}

async function socket(url) {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, { origin: url })
  const frames = []
  const waiters = []
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data))
    if (frame.type === 'error') console.log('error frame', frame)
    frames.push(frame)
    for (const wake of waiters.splice(0)) wake()
  })
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  const count = type => frames.filter(frame => frame.type === type).length
  return {
    ws,
    frames,
    send: frame => ws.send(JSON.stringify(frame)),
    async until(type, n = 1) {
      while (count(type) < n) await new Promise(resolve => waiters.push(resolve))
      return frames.filter(frame => frame.type === type)[n - 1]
    },
  }
}

// Members stay members (offline) when their socket closes: a room of MEMBERS
// needs MEMBERS joins, not MEMBERS open sockets.
async function seedMembers(url, count) {
  const tokens = []
  let next = 0
  await Promise.all(Array.from({ length: 20 }, async () => {
    while (next < count) {
      const index = next++
      const member = await socket(url)
      member.send({ type: 'join', roomId: ROOM, name: `member${index}`, create: true })
      const joined = await member.until('joined')
      tokens.push({ token: joined.token, name: `member${index}` })
      member.ws.close()
    }
  }))
  return tokens
}

function summary(deltas) {
  const sorted = [...deltas].sort((a, b) => a - b)
  const at = q => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
  const round = n => Math.round(n * 10) / 10
  return { frames: sorted.length, p50: round(at(0.5)), p95: round(at(0.95)), p99: round(at(0.99)), max: round(sorted.at(-1)), over50ms: sorted.filter(d => d > 50).length }
}

const { url, server } = await startServer()
try {
  let started = Date.now()
  // The poster, the reader and the talker below make up the rest.
  const tokens = await seedMembers(url, MEMBERS - 3)
  console.log(`seeded ${tokens.length} members in ${Date.now() - started} ms`)
  started = Date.now()
  const poster = await socket(url)
  poster.send({ type: 'join', roomId: ROOM, name: 'poster', create: true })
  await poster.until('joined')
  for (let i = 1; i <= MESSAGES; i++) {
    poster.send({ type: 'chat', text: `history message ${i} with a few words in it, as people write them` })
    if (i % 200 === 0) {
      await poster.until('chat', i)
      // Under the frame bucket (NUXT_FRAMES_PER_SECOND above).
      await new Promise(resolve => setTimeout(resolve, 150))
    }
  }
  await poster.until('chat', MESSAGES)
  console.log(`seeded ${MESSAGES} messages in ${Date.now() - started} ms`)

  const executablePath = existsSync(chromium.executablePath()) ? undefined : '/usr/bin/chromium'
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] })
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  await page.goto(`${url}/room/${ROOM}`)
  await page.getByTestId('name-input').fill('Reader')
  await page.getByTestId('join-button').click()
  await page.getByTestId('connection-status').and(page.locator('[data-state="connected"]')).waitFor({ timeout: 60_000 })
  started = Date.now()
  // Scroll back until everything is loaded, as a reader would.
  for (;;) {
    const more = await page.getByTestId('load-older').count()
    if (more === 0) break
    const before = await page.getByTestId('message-item').count()
    await page.getByTestId('message-list').evaluate((element) => { element.scrollTop = 0 })
    await page.waitForFunction(n => document.querySelectorAll('[data-testid="message-item"]').length > n || !document.querySelector('[data-testid="load-older"]'), before, { timeout: 30_000 })
  }
  const loaded = await page.getByTestId('message-item').count()
  const members = await page.evaluate(() => document.querySelectorAll('[data-testid="member-item"]').length)
  const timeline = await page.getByTestId('message-text').count()
  console.log(`page drew ${loaded} messages (${timeline} with text) and ${members} member items; loading them back took ${Date.now() - started} ms`)
  const domNodes = await page.evaluate(() => document.getElementsByTagName('*').length)
  console.log(`DOM elements after scrolling back through everything: ${domNodes}`)
  await page.getByTestId('message-list').evaluate((element) => { element.scrollTop = element.scrollHeight })
  await page.waitForTimeout(200)
  console.log(`DOM elements back at the newest: ${await page.evaluate(() => document.getElementsByTagName('*').length)}`)

  const record = () => page.evaluate(() => {
    window.__deltas = []
    let last = performance.now()
    window.__recording = true
    const tick = (now) => {
      window.__deltas.push(now - last)
      last = now
      if (window.__recording) requestAnimationFrame(tick)
    }
    requestAnimationFrame(tick)
  })
  const stop = () => page.evaluate(() => {
    window.__recording = false
    return window.__deltas.slice(1)
  })

  // Idle, as a floor.
  await record()
  await new Promise(resolve => setTimeout(resolve, 2000))
  console.log('idle', JSON.stringify(summary(await stop())))

  // Scrolling through the list.
  await page.getByTestId('message-list').evaluate((element) => { element.scrollTop = element.scrollHeight })
  await record()
  await page.getByTestId('message-list').evaluate(element => new Promise((resolve) => {
    let steps = 0
    const step = () => {
      element.scrollTop -= 120
      if (++steps < 150) requestAnimationFrame(step)
      else resolve()
    }
    requestAnimationFrame(step)
  }))
  console.log('scrolling 150 frames', JSON.stringify(summary(await stop())))
  await page.getByTestId('message-list').evaluate((element) => { element.scrollTop = element.scrollHeight })

  // 100 presence changes (members coming back online) and 100 messages, interleaved over ~3 s.
  await record()
  const talker = await socket(url)
  talker.send({ type: 'join', roomId: ROOM, name: 'talker', create: true })
  await talker.until('joined')
  const returning = []
  for (let i = 0; i < 100; i++) {
    const back = await socket(url)
    back.send({ type: 'join', roomId: ROOM, name: tokens[i].name, token: tokens[i].token })
    returning.push(back)
    talker.send({ type: 'chat', text: `live message ${i}` })
    await new Promise(resolve => setTimeout(resolve, 30))
  }
  await talker.until('chat', 100)
  await new Promise(resolve => setTimeout(resolve, 500))
  console.log('100 presence changes + 100 messages', JSON.stringify(summary(await stop())))

  await browser.close()
  for (const back of returning) back.ws.close()
  talker.ws.close()
  poster.ws.close()
}
finally {
  server.kill()
}
