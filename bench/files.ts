// `npm run bench:files` (and the end of `npm run bench`): upload throughput
// through the built server, and the time to make a 12-megapixel photo's
// served copy and thumbnail. Quick: about half a minute.
import { mkdtempSync, rmSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import sharp from 'sharp'
import WebSocket from 'ws'
import { makeImage, makeThumbnail } from '../server/files/images.js'
import { spawnServer } from './servers.js'

const MiB = 1024 * 1024
// The run's --server-entry, handed down by run.ts; the built app here when run alone.
const SERVER_ENTRY = resolve(process.env.BENCH_SERVER_ENTRY ?? '.output/server/index.mjs')

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

async function joinToken(wsUrl: string, roomId: string): Promise<string> {
  const ws = new WebSocket(wsUrl)
  await new Promise((done, fail) => ws.once('open', done).once('error', fail))
  ws.send(JSON.stringify({ type: 'join', roomId, name: 'Bench', create: true }))
  const token = await new Promise<string>((done) => {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string, token?: string }
      if (frame.type === 'joined') done(frame.token!)
    })
  })
  // The member stays while its socket is open; the run ends with the server.
  ws.on('error', () => {})
  return token
}

async function uploadOnce(baseUrl: string, roomId: string, token: string, bytes: Uint8Array, name: string): Promise<number> {
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(bytes)]), name)
  const started = performance.now()
  const res = await fetch(`${baseUrl}/api/rooms/${roomId}/files`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } })
  await res.arrayBuffer()
  if (res.status !== 201) throw new Error(`upload answered ${res.status}`)
  return performance.now() - started
}

/** A 4000 x 3000 JPEG that compresses like a photo (smooth areas and detail), not like flat colour or pure noise. */
async function twelveMegapixelJpeg(): Promise<Buffer> {
  const noise = await sharp({ create: { width: 1000, height: 750, channels: 3, background: { r: 128, g: 128, b: 128 }, noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png().toBuffer()
  return sharp(noise).resize(4000, 3000, { kernel: 'cubic' }).blur(1.2).jpeg({ quality: 88 }).withMetadata({ orientation: 6 }).toBuffer()
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hb-bench-files-'))
  const env = { ...process.env, NUXT_DATA_DIR: dataDir, NUXT_UPLOADS_PER_MINUTE: '100000', NUXT_ROOM_FILE_QUOTA_BYTES: String(10 * 1024 * MiB), PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'production' }
  const { server, match } = await spawnServer('app', process.execPath, [SERVER_ENTRY], env, /Listening on https?:\/\/[^\s]*:(\d+)/, 3000)
  const baseUrl = `http://127.0.0.1:${match[1]}`
  try {
    const token = await joinToken(`ws://127.0.0.1:${match[1]}/ws`, 'bench-files')
    const file = new Uint8Array(10 * MiB)
    for (let i = 0; i < file.length; i += 4096) file[i] = i % 251
    await uploadOnce(baseUrl, 'bench-files', token, file.subarray(0, MiB), 'warm.bin')

    const sequential: number[] = []
    for (let i = 0; i < 10; i++) sequential.push(await uploadOnce(baseUrl, 'bench-files', token, file, `f${i}.bin`))
    const concurrentStart = performance.now()
    await Promise.all(Array.from({ length: 4 }, (_, i) => uploadOnce(baseUrl, 'bench-files', token, file, `c${i}.bin`)))
    const concurrentMs = performance.now() - concurrentStart

    const photo = await twelveMegapixelJpeg()
    const source = await writeTemp(dataDir, photo)
    const direct: number[] = []
    const thumbnailOnly: number[] = []
    for (let i = 0; i < 3; i++) {
      let started = performance.now()
      await makeImage(source, 'image/jpeg', join(dataDir, `served-${i}.jpg`), join(dataDir, `thumb-${i}.webp`))
      direct.push(performance.now() - started)
      started = performance.now()
      await makeThumbnail(source, join(dataDir, `thumb-only-${i}.webp`))
      thumbnailOnly.push(performance.now() - started)
    }
    const throughServer: number[] = []
    for (let i = 0; i < 3; i++) throughServer.push(await uploadOnce(baseUrl, 'bench-files', token, photo, `photo-${i}.jpg`))

    const mibPerSecond = (ms: number, bytes: number) => (bytes / MiB) / (ms / 1000)
    console.log('\n[bench:files] uploads through the built server (loopback, local disk, one member)')
    console.log(`  10 MiB generic file, one at a time: median ${median(sequential).toFixed(0)} ms = ${mibPerSecond(median(sequential), 10 * MiB).toFixed(1)} MiB/s (10 uploads)`)
    console.log(`  4 x 10 MiB at once: ${concurrentMs.toFixed(0)} ms = ${mibPerSecond(concurrentMs, 40 * MiB).toFixed(1)} MiB/s in total`)
    console.log(`[bench:files] a 12-megapixel JPEG (4000 x 3000, ${(photo.length / MiB).toFixed(1)} MiB, EXIF orientation 6)`)
    console.log(`  the 320 px WebP thumbnail alone: median ${median(thumbnailOnly).toFixed(0)} ms (3 runs)`)
    console.log(`  served copy without metadata + thumbnail (sharp, one libvips thread): median ${median(direct).toFixed(0)} ms (3 runs)`)
    console.log(`  the whole upload through the server (receive, sniff, both images, store): median ${median(throughServer).toFixed(0)} ms (3 runs)`)
  }
  finally {
    await server.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

async function writeTemp(dir: string, bytes: Buffer): Promise<string> {
  const path = join(dir, `source-${performance.now()}.jpg`)
  await writeFile(path, bytes)
  return path
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
