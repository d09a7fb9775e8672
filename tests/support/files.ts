import { request } from 'node:http'
import { crc32 } from 'node:zlib'
import sharp from 'sharp'
import type { FileInfo } from '../../shared/protocol'

export interface UploadAnswer { status: number, body: { file?: FileInfo, data?: { code: string, message: string, retryAfterMs?: number } }, headers: Headers }

/** POST /api/rooms/<id>/files as the page does it: multipart with one `file` part (and `durationMs` before it for a voice clip). */
export async function upload(baseUrl: string, roomId: string, token: string | undefined, file: { bytes: Uint8Array, name: string, type?: string, durationMs?: number }): Promise<UploadAnswer> {
  const form = new FormData()
  if (file.durationMs !== undefined) form.append('durationMs', String(file.durationMs))
  form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type ?? 'application/octet-stream' }), file.name)
  const res = await fetch(`${baseUrl}/api/rooms/${roomId}/files`, { method: 'POST', body: form, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } })
  return { status: res.status, body: await res.json() as UploadAnswer['body'], headers: res.headers }
}

/** As upload(), from another loopback address (127.0.0.2 and so on), for the per-address limits. */
export async function uploadFrom(localAddress: string, baseUrl: string, roomId: string, token: string, file: { bytes: Uint8Array, name: string }): Promise<UploadAnswer> {
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(file.bytes)]), file.name)
  // A Request serialises the form as a browser would: its body and boundary.
  const encoded = new Request('http://localhost/', { method: 'POST', body: form })
  const body = Buffer.from(await encoded.arrayBuffer())
  return new Promise((resolve, reject) => {
    const req = request(new URL(`/api/rooms/${roomId}/files`, baseUrl), {
      method: 'POST',
      localAddress,
      agent: false,
      headers: { 'authorization': `Bearer ${token}`, 'content-type': encoded.headers.get('content-type')!, 'content-length': String(body.length) },
    }, (res) => {
      let text = ''
      res.on('data', (chunk: Buffer) => (text += chunk.toString()))
      res.on('end', () => {
        const headers = new Headers()
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') headers.set(name, value)
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as UploadAnswer['body'], headers })
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}

export async function fetchFile(baseUrl: string, url: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${baseUrl}${url}`, { headers })
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) }
}

export function pngBytes(width = 640, height = 480): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } }).png().toBuffer()
}

/** A JPEG as a phone writes it: the camera's orientation (6: turn 90° clockwise to view) and a GPS position in its EXIF. */
export function jpegWithGps(width = 400, height = 200): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 10, g: 120, b: 200 } } })
    .jpeg()
    .withExif({
      IFD0: { Artist: 'exif-marker-artist' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2400/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 300/100' },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer()
}

/** The first page of an Ogg Opus stream: what file-type needs to call it audio. */
export function oggOpusBytes(size = 4096): Buffer {
  const bytes = Buffer.alloc(size)
  bytes.write('OggS', 0)
  bytes.write('OpusHead', 28)
  return bytes
}

/** The EBML header of a WebM file, as MediaRecorder starts one. */
export function webmBytes(size = 4096): Buffer {
  const docType = Buffer.from('webm')
  const header = Buffer.concat([Buffer.from([0x1A, 0x45, 0xDF, 0xA3, 0x80 | (4 + 3 + docType.length)]), Buffer.from([0x42, 0x86, 0x81, 0x01]), Buffer.from([0x42, 0x82, 0x80 | docType.length]), docType])
  return Buffer.concat([header, Buffer.alloc(size - header.length)])
}

/**
 * Streams a multipart upload of `totalBytes` in chunks, chunked or with a
 * declared length, and stops writing once the server answers: returns the
 * status and body of that answer and how much was written before it.
 */
export function streamUpload(baseUrl: string, roomId: string, token: string, totalBytes: number, declareLength: boolean): Promise<{ status: number, body: string, written: number }> {
  const boundary = 'x-heartbeat-boundary'
  const head = Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="big.bin"\r\ncontent-type: application/octet-stream\r\n\r\n`)
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  const url = new URL(`/api/rooms/${roomId}/files`, baseUrl)
  return new Promise((resolve, reject) => {
    let written = 0
    let answered = false
    const req = request(url, {
      method: 'POST',
      agent: false,
      headers: {
        'authorization': `Bearer ${token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        ...(declareLength ? { 'content-length': String(head.length + totalBytes + tail.length) } : { 'transfer-encoding': 'chunked' }),
      },
    }, (res) => {
      answered = true
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, written }))
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body, written }))
    })
    req.on('error', (error) => {
      if (!answered) reject(error)
    })
    const chunk = Buffer.alloc(1024 * 1024, 0x61)
    const pump = async () => {
      req.write(head)
      while (written < totalBytes && !answered && !req.destroyed) {
        const ok = req.write(chunk)
        written += chunk.length
        if (!ok) await new Promise(resolve => req.once('drain', resolve).once('close', resolve))
      }
      if (!answered && !req.destroyed) req.end(tail)
    }
    void pump()
  })
}

/** A small PNG whose header claims width x height: decoding it would take width x height x 3 bytes. */
export async function pngClaiming(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(await pngBytes(16, 16))
  // The IHDR chunk: length (4), "IHDR" (4), width (4), height (4), 5 more bytes, then its CRC over type and data.
  png.writeUInt32BE(width, 16)
  png.writeUInt32BE(height, 20)
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29)
  return png
}
