// `npm run bench:e2ee` (and the end of a full `npm run bench`): what end-to-end
// encryption costs the page (issue 24). The code measured is the page's own
// (utils/e2ee, bundled by esbuild as Nuxt's build would), run in Chromium
// (/usr/bin/chromium, BoringSSL's WebCrypto) and, for comparison, in Node's
// WebCrypto (OpenSSL). Printed, not asserted: these are timings on a shared machine.
// - opening a room: 500 sealed messages opened at once (target ≤ 300 ms);
// - the key derivation alone (PBKDF2-HMAC-SHA-256, 600,000 iterations), once per join;
// - the latency a send adds: sealing one message before its frame goes (target < 10 ms).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { chromium } from 'playwright-core'
import type { deriveRoomKeys } from '../utils/e2ee/room-keys'
import type { openMessage, sealMessage } from '../utils/e2ee/sealed-message'

const TARGET_OPEN_MS = 300
const TARGET_SEND_MS = 10
const MESSAGES = 500
const OPEN_RUNS = 7
const SEND_RUNS = 300
const DERIVE_RUNS = 3

interface Figures {
  deriveMs: number[]
  openAllMs: number[]
  openOneByOneMs: number[]
  sealMs: number[]
}

interface E2eeLib {
  deriveRoomKeys: typeof deriveRoomKeys
  sealMessage: typeof sealMessage
  openMessage: typeof openMessage
}

/**
 * Runs in the page (as its source: Playwright sends it) and in Node. `lib` is
 * the bundle of utils/e2ee; in the page, the one the script tag left on window.
 */
async function measure(counts: { messages: number, openRuns: number, sendRuns: number, deriveRuns: number }, given?: E2eeLib): Promise<Figures> {
  const lib = given ?? (globalThis as unknown as { e2eeBench: E2eeLib }).e2eeBench
  const salt = new Uint8Array(16).map((_, index) => index * 7)
  const deriveMs: number[] = []
  let key!: CryptoKey
  for (let run = 0; run < counts.deriveRuns; run++) {
    const start = performance.now()
    key = (await lib.deriveRoomKeys('a shared room password', salt)).contentKey
    deriveMs.push(performance.now() - start)
  }
  const words = ['meet', 'at', 'the', 'usual', 'place', 'tomorrow', 'bring', 'the', 'draft', 'and', 'coffee', '☕', 'ok', 'see', 'you', 'there']
  const messages = []
  for (let index = 0; index < counts.messages; index++) {
    // Chat-sized texts, 20 to 300 characters, as a room's history holds.
    let text = ''
    while (text.length < 20 + ((index * 37) % 280)) text += `${words[(index + text.length) % words.length]} `
    const binding = { roomId: 'bench-room', authorId: `m${index % 12}`, clientId: `c${index}` }
    messages.push({ roomId: binding.roomId, from: { id: binding.authorId, name: 'x' }, clientId: binding.clientId, cipher: await lib.sealMessage(key, binding, { text }) })
  }
  const openAllMs: number[] = []
  const openOneByOneMs: number[] = []
  for (let run = 0; run < counts.openRuns; run++) {
    let start = performance.now()
    const opened = await Promise.all(messages.map(message => lib.openMessage(key, message)))
    openAllMs.push(performance.now() - start)
    if (opened.some(content => content === null)) throw new Error('a message did not open')
    start = performance.now()
    for (const message of messages) await lib.openMessage(key, message)
    openOneByOneMs.push(performance.now() - start)
  }
  const sealMs: number[] = []
  for (let run = 0; run < counts.sendRuns; run++) {
    const start = performance.now()
    await lib.sealMessage(key, { roomId: 'bench-room', authorId: 'm1', clientId: `s${run}` }, { text: 'a message of an ordinary length, typed and sent' })
    sealMs.push(performance.now() - start)
  }
  return { deriveMs, openAllMs, openOneByOneMs, sealMs }
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`

function report(where: string, figures: Figures): string[] {
  const openMedian = quantile(figures.openAllMs, 0.5)
  const sealP50 = quantile(figures.sealMs, 0.5)
  const sealP99 = quantile(figures.sealMs, 0.99)
  const sealMean = figures.sealMs.reduce((sum, value) => sum + value, 0) / figures.sealMs.length
  return [
    `| ${where} | ${ms(quantile(figures.deriveMs, 0.5))} | ${ms(openMedian)} (worst ${ms(Math.max(...figures.openAllMs))}) ${openMedian <= TARGET_OPEN_MS ? '✓' : '✗'} | ${ms(quantile(figures.openOneByOneMs, 0.5))} | ${ms(sealMean)} / ${ms(sealP50)} / ${ms(sealP99)} ${sealP99 < TARGET_SEND_MS ? '✓' : '✗'} |`,
  ]
}

async function main() {
  const bundled = await build({
    stdin: { contents: 'export { deriveRoomKeys } from \'./utils/e2ee/room-keys\'\nexport { sealMessage, openMessage } from \'./utils/e2ee/sealed-message\'\n', resolveDir: resolve('.'), loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
    logLevel: 'silent',
  })
  const code = bundled.outputFiles[0]!.text
  const counts = { messages: MESSAGES, openRuns: OPEN_RUNS, sendRuns: SEND_RUNS, deriveRuns: DERIVE_RUNS }

  const dir = mkdtempSync(join(tmpdir(), 'hb-bench-e2ee-'))
  const modulePath = join(dir, 'e2ee.mjs')
  writeFileSync(modulePath, code)
  const inNode = await measure(counts, await import(pathToFileURL(modulePath).href) as E2eeLib)
  rmSync(dir, { recursive: true, force: true })

  const browser = await chromium.launch({ executablePath: process.env.BENCH_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] })
  try {
    const page = await browser.newPage()
    // localhost is a secure context, where WebCrypto is: a page served by the route, not a server.
    await page.route('http://localhost/bench', route => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>bench</title>' }))
    await page.goto('http://localhost/bench')
    await page.addScriptTag({ type: 'module', content: `${code.replace(/export\s*\{([^}]*)\};?\s*$/, (_, names: string) => `window.e2eeBench = {${names}};`)}` })
    await page.waitForFunction(() => (window as unknown as { e2eeBench?: unknown }).e2eeBench !== undefined)
    const inChromium = await page.evaluate(measure, counts)
    console.log(`\nEnd-to-end encryption (${MESSAGES} messages opened, ${OPEN_RUNS} runs; ${SEND_RUNS} sends; PBKDF2 ${DERIVE_RUNS} runs)\n`)
    console.log('| where | PBKDF2 600,000 + HKDF (median) | open 500 at once (median) | open 500 one by one | seal one send (mean / p50 / p99) |')
    console.log('|---|---|---|---|---|')
    for (const line of [...report('Chromium', inChromium), ...report('Node WebCrypto', inNode)]) console.log(line)
    console.log('\nThe page\'s clock is coarse (no cross-origin isolation): a send\'s p50 under its step reads 0; the mean is the total over the runs.')
    console.log(`Targets: opening ${MESSAGES} messages ≤ ${TARGET_OPEN_MS} ms; a send adds < ${TARGET_SEND_MS} ms. The PBKDF2 runs once per join (or unlock), before the room opens.`)
  }
  finally {
    await browser.close()
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`[bench:e2ee] failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`)
    process.exit(1)
  },
)
