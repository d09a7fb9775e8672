import type Redis from 'ioredis'
import { createRedisClient, parseRedisSettings } from '../rooms/redis/redis-client'
import type { RedisSettings } from '../rooms/redis/redis-client'
import type { FileInfo } from '../../shared/protocol'
import type { PendingUpload, UploadLedger } from './upload-ledger'

/** A room life's byte count outlives any room kept in Redis (they expire after their empty grace). */
const BYTES_TTL_MS = 30 * 24 * 60 * 60 * 1000

// KEYS: the upload, the room life's byte count. ARGV: member, info, bytes, quota, ttl, bytes ttl.
const ADD = `
local used = tonumber(redis.call('GET', KEYS[2]) or '0')
if used + tonumber(ARGV[3]) > tonumber(ARGV[4]) then return 0 end
redis.call('INCRBY', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
redis.call('HSET', KEYS[1], 'member', ARGV[1], 'info', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
`
// KEYS: the uploads. ARGV: member, clientId ('' for none). All or nothing.
const CLAIM = `
local infos = {}
for i, key in ipairs(KEYS) do
  local record = redis.call('HMGET', key, 'member', 'info', 'claimedBy')
  if not record[1] or record[1] ~= ARGV[1] then return nil end
  if record[3] and (ARGV[2] == '' or record[3] ~= ARGV[2]) then return nil end
  infos[i] = record[2]
end
for _, key in ipairs(KEYS) do redis.call('HSET', key, 'claimedBy', ARGV[2]) end
return infos
`
// KEYS: the byte count. ARGV: bytes.
const RELEASE = `
local left = redis.call('DECRBY', KEYS[1], ARGV[1])
if left <= 0 then redis.call('DEL', KEYS[1]) end
return left
`

type LedgerRedis = Redis & {
  fileAdd(upload: string, bytes: string, member: string, info: string, size: number, quota: number, ttl: number, bytesTtl: number): Promise<number>
  fileClaim(count: number, ...args: string[]): Promise<string[] | null>
  fileRelease(bytesKey: string, bytes: number): Promise<number>
}

// The room's id in braces: a room's keys share one Redis Cluster slot, as the room store's do.
const uploadKey = (roomId: string, fileId: string) => `hb:{${roomId}}:upload:${fileId}`
function bytesKey(roomKey: string): string {
  const [roomId, life] = roomKey.split('.')
  return `hb:{${roomId}}:file-bytes:${life}`
}

/** Several instances on one Redis: the ledger every instance asks (upload-ledger.ts). */
export class RedisUploadLedger implements UploadLedger {
  private readonly redis: LedgerRedis

  /** A URL (one node), or the settings the room store uses: a Redis Cluster too. */
  constructor(settings: string | RedisSettings, commandTimeoutMs = 2000) {
    const resolved = typeof settings === 'string' ? parseRedisSettings(settings, false, 0, commandTimeoutMs) : settings
    this.redis = createRedisClient(resolved) as LedgerRedis
    this.redis.on('error', () => {})
    this.redis.defineCommand('fileAdd', { numberOfKeys: 2, lua: ADD })
    this.redis.defineCommand('fileClaim', { lua: CLAIM })
    this.redis.defineCommand('fileRelease', { numberOfKeys: 1, lua: RELEASE })
  }

  async add(upload: PendingUpload, quotaBytes: number, ttlMs: number): Promise<boolean> {
    const added = await this.redis.fileAdd(uploadKey(upload.roomId, upload.info.id), bytesKey(upload.roomKey), upload.memberId, JSON.stringify(upload.info), upload.bytes, quotaBytes, ttlMs, BYTES_TTL_MS)
    return added === 1
  }

  async usedBytes(roomKey: string): Promise<number | undefined> {
    const used = await this.redis.get(bytesKey(roomKey))
    return used === null ? undefined : Number(used)
  }

  async seed(roomKey: string, bytes: number): Promise<void> {
    await this.redis.set(bytesKey(roomKey), bytes, 'PX', BYTES_TTL_MS, 'NX')
  }

  async claim(roomId: string, memberId: string, ids: string[], clientId: string | undefined): Promise<FileInfo[] | undefined> {
    const infos = await this.redis.fileClaim(ids.length, ...ids.map(id => uploadKey(roomId, id)), memberId, clientId ?? '')
    return infos ? infos.map(info => JSON.parse(info) as FileInfo) : undefined
  }

  async release(roomKey: string, bytes: number): Promise<void> {
    if (bytes > 0) await this.redis.fileRelease(bytesKey(roomKey), bytes)
  }

  async forgetRoom(roomKey: string): Promise<void> {
    await this.redis.del(bytesKey(roomKey))
  }

  // Redis expires pending uploads itself.
  prune(): void {}

  async close(): Promise<void> {
    this.redis.disconnect()
  }
}
