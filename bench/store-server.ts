// One built app on a store of its choice, for the benches that fill a room
// and then time answers over a socket (bench/search.ts, bench/threads.ts):
// SQLite in a temp folder, memory, or a redis-server of its own that keeps
// nothing. Frame limits are out of the way so that filling is quick.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { spawnServer } from './servers.js'
import type { ChildServer } from './servers.js'

const SERVER_ENTRY = resolve(process.env.BENCH_SERVER_ENTRY ?? '.output/server/index.mjs')

export type BenchStore = 'sqlite' | 'memory' | 'redis'

export interface StoreServer {
  wsUrl: string
  stop: () => Promise<void>
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no free port'))))
    })
  })
}

/** Starts the app on `store`, holding `historyLimit` messages a room. */
export async function startStoreServer(store: BenchStore, historyLimit: number, env: Record<string, string> = {}): Promise<StoreServer> {
  const sidecars: ChildServer[] = []
  let redisUrl: string | undefined
  if (store === 'redis') {
    const port = await freePort()
    const { server } = await spawnServer('redis', 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], process.env, /Ready to accept connections/, 3000)
    sidecars.push(server)
    redisUrl = `redis://127.0.0.1:${port}`
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'hb-bench-store-'))
  const serverEnv = {
    ...process.env,
    NUXT_DATA_DIR: dataDir,
    NUXT_HISTORY_LIMIT: String(historyLimit),
    NUXT_FRAMES_PER_SECOND: '100000',
    NUXT_FRAME_BURST: '100000',
    ...(store === 'memory' ? { NUXT_STORE: 'memory' } : {}),
    ...(redisUrl ? { NUXT_REDIS_URL: redisUrl } : {}),
    ...env,
    PORT: '0',
    HOST: '127.0.0.1',
    NODE_ENV: 'production',
  }
  const { server, match } = await spawnServer(`app (${store})`, process.execPath, [SERVER_ENTRY], serverEnv, /Listening on https?:\/\/[^\s]*:(\d+)/, 3000)
  return {
    wsUrl: `ws://127.0.0.1:${match[1]}/ws`,
    stop: async () => {
      await server.stop()
      for (const sidecar of sidecars) await sidecar.stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
