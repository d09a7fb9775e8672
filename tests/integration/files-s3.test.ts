import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import S3rver from 's3rver'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { fetchFile, pngBytes, upload, webmBytes } from '../support/files'
import { startRedis } from '../support/redis'
import type { RunningRedis } from '../support/redis'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, joinRoom } from '../support/ws-client'

// s3rver speaks S3's HTTP API over a local folder: it proves the requests
// this server makes (put with a length, ranged get, list, batch delete) and
// its metadata round trip; not AWS's signatures and consistency, nor the
// quirks of a given provider (docs/deploy.md).
let s3: S3rver
let s3Dir: string
let endpoint: string
let redis: RunningRedis
let one: RunningServer
let two: RunningServer

beforeAll(async () => {
  s3Dir = mkdtempSync(join(tmpdir(), 'hb-s3-'))
  s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3Dir, configureBuckets: [{ name: 'heartbeat', configs: [] }] })
  const { port } = await s3.run()
  endpoint = `http://127.0.0.1:${port}`
  redis = await startRedis()
  // Each instance has a data folder of its own: only the bucket and Redis are shared.
  const env = { NUXT_REDIS_URL: redis.url, NUXT_S3_BUCKET: 'heartbeat', NUXT_S3_ENDPOINT: endpoint, NUXT_S3_FORCE_PATH_STYLE: 'true', NUXT_S3_ACCESS_KEY_ID: 'S3RVER', NUXT_S3_SECRET_ACCESS_KEY: 'S3RVER' }
  ;[one, two] = await Promise.all([1, 2].map(() => startServer({ ...env, NUXT_DATA_DIR: mkdtempSync(join(tmpdir(), 'hb-s3-instance-')) })))
})
afterEach(() => closeAllClients())
afterAll(async () => {
  await Promise.all([one, two].map(server => server.stop()))
  await redis.kill()
  await s3.close()
  rmSync(s3Dir, { recursive: true, force: true })
})

async function objectKeys(): Promise<string[]> {
  const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } })
  const listed = await client.send(new ListObjectsV2Command({ Bucket: 'heartbeat' }))
  return (listed.Contents ?? []).map(object => object.Key!)
}

describe('files in an S3-compatible bucket (s3rver), two instances without a shared folder', () => {
  it('an image uploaded through one instance is in the bucket and served by the other; deleting the message empties the bucket of it', async () => {
    const ada = await joinRoom(one.wsUrl, 'files-s3', 'Ada')
    const bob = await joinRoom(two.wsUrl, 'files-s3', 'Bob')
    const file = (await upload(one.url, 'files-s3', ada.joined.token, { bytes: await pngBytes(200, 100), name: 'bucket.png' })).body.file!
    expect(file).toMatchObject({ type: 'image/png', width: 200, height: 100 })
    expect(await objectKeys()).toEqual(expect.arrayContaining([`heartbeat-files/${file.url.slice('/files/'.length)}`]))
    ada.client.send({ type: 'chat', text: '', attachments: [file.id] })
    const seen = await bob.client.next('chat')
    expect(seen.attachments).toEqual([file])
    const served = await fetchFile(two.url, file.url)
    expect(served.status).toBe(200)
    expect(served.headers.get('content-type')).toBe('image/png')
    expect(served.headers.get('content-disposition')).toBe('inline; filename="bucket.png"; filename*=UTF-8\'\'bucket.png')
    expect(served.headers.get('x-content-type-options')).toBe('nosniff')
    ada.client.send({ type: 'delete', id: seen.id })
    await bob.client.next('deleted')
    await expect.poll(async () => (await fetchFile(two.url, file.url)).status).toBe(404)
    expect((await objectKeys()).filter(key => key.includes(file.id))).toEqual([])
  })

  it('a voice clip is served from the bucket with Range, as <audio> seeks', async () => {
    const ada = await joinRoom(one.wsUrl, 'files-s3-voice', 'Ada')
    const clip = webmBytes(5000)
    const file = (await upload(one.url, 'files-s3-voice', ada.joined.token, { bytes: clip, name: 'v.webm', durationMs: 1500 })).body.file!
    const part = await fetchFile(two.url, file.url, { range: 'bytes=10-19' })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe('bytes 10-19/5000')
    expect(part.bytes.equals(clip.subarray(10, 20))).toBe(true)
  })
})
