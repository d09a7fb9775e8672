import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { startRedisCluster } from '../tests/support/redis-cluster.js'
import { instancesOf } from './config.js'
import type { BenchConfig, ServerKind } from './config.js'
import { spawnServer, startNodeServer } from './servers.js'
import type { ChildServer } from './servers.js'

/**
 * What the clients of one phase talk to: one server process, or two app
 * instances sharing rooms through a redis-server. The load and the readings
 * do not care which: clients take the URLs in turn, and CPU and RSS are the
 * sums over `servers`.
 */
export interface Deployment {
  kind: ServerKind
  /** Where clients connect, handed out in turn so that every room spans every instance. */
  wsUrls: string[]
  /** The processes that serve the sockets; their CPU and RSS are added up. */
  servers: ChildServer[]
  /** Processes the servers lean on, measured apart (the redis-server of app-2x, the cluster's nodes). */
  sidecars: ChildServer[]
  /** The redis-server the instances share, or the cluster's masters, for their INFO. */
  redisUrls: string[]
  /** The app's NUXT_DATA_DIR (kind `app`): a temp folder, removed by stop(). */
  dataDir?: string
  /** Stops every process of the deployment; safe to call twice. */
  stop: () => Promise<void>
}

/** A port nothing listens on right now (redis-server cannot be told to pick one itself). */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no free port'))))
    })
  })
}

/** A redis-server on loopback that persists nothing: each run starts empty and leaves nothing behind. */
async function startRedis(): Promise<{ server: ChildServer, url: string }> {
  const port = await freePort()
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
  const { server } = await spawnServer('redis', 'redis-server', args, process.env, /Ready to accept connections/, 3_000)
    .catch((error: Error) => {
      throw new Error(`${error.message}\n(app-2x needs redis-server on the PATH; Debian: apt-get install redis-server)`)
    })
  return { server, url: `redis://127.0.0.1:${port}` }
}

async function startOneRedis(deployment: Deployment): Promise<Record<string, string>> {
  const redis = await startRedis()
  deployment.sidecars.push(redis.server)
  deployment.redisUrls.push(redis.url)
  return { NUXT_REDIS_URL: redis.url }
}

/** Three masters and three replicas (tests/support/redis-cluster.ts); each node is a sidecar, the masters are read for INFO. */
async function startCluster(deployment: Deployment): Promise<Record<string, string>> {
  const cluster = await startRedisCluster()
  const stopServers = deployment.stop
  deployment.stop = async () => {
    await stopServers()
    await cluster.stop()
  }
  await cluster.waitHealthy()
  for (const node of cluster.nodes) {
    deployment.sidecars.push({ name: `redis-${node.port}`, pid: node.process.pid ?? -1, output: () => '', stop: () => cluster.kill(node.port) })
  }
  deployment.redisUrls.push(...(await cluster.roles()).masters.map(port => `redis://127.0.0.1:${port}`))
  return { NUXT_REDIS_URL: cluster.url, NUXT_REDIS_CLUSTER: 'true' }
}

/** The app connects to Redis after it listens; a join before that would be refused with UNAVAILABLE. */
async function untilRedisReady(server: ChildServer): Promise<void> {
  for (let waited = 0; !server.output().includes('"event":"store_ready"'); waited += 50) {
    if (waited > 10_000) throw new Error(`${server.name} did not reach Redis within 10 s:\n${server.output()}`)
    await sleep(50)
  }
}

/** Starts the processes of `kind` (with `extraEnv` for the app); if one fails to start, the ones already up are stopped. */
export async function deploy(kind: ServerKind, config: BenchConfig, extraEnv: Record<string, string> = {}): Promise<Deployment> {
  const deployment: Deployment = {
    kind,
    wsUrls: [],
    servers: [],
    sidecars: [],
    redisUrls: [],
    dataDir: kind === 'app' ? mkdtempSync(join(tmpdir(), 'hb-bench-data-')) : undefined,
    // Servers first, so they do not log a lost Redis on the way out, and close their database.
    stop: async () => {
      await Promise.all(deployment.servers.map(server => server.stop()))
      await Promise.all(deployment.sidecars.map(server => server.stop()))
      if (deployment.dataDir) rmSync(deployment.dataDir, { recursive: true, force: true })
    },
  }
  const addServer = ({ server, wsUrl }: { server: ChildServer, wsUrl: string }) => {
    deployment.servers.push(server)
    deployment.wsUrls.push(wsUrl)
  }
  try {
    if (kind === 'baseline') addServer(await startNodeServer(kind, fileURLToPath(new URL('./baseline-server.js', import.meta.url)), config))
    else if (kind === 'app') addServer(await startNodeServer(kind, resolve(config.serverEntry), config, { ...extraEnv, NUXT_DATA_DIR: deployment.dataDir! }))
    else if (kind === 'app-memory') addServer(await startNodeServer(kind, resolve(config.serverEntry), config, { ...extraEnv, NUXT_STORE: 'memory' }))
    else {
      const redisEnv = kind.startsWith('cluster') ? await startCluster(deployment) : await startOneRedis(deployment)
      for (let i = 1; i <= instancesOf(kind); i++) {
        const instance = await startNodeServer(`${kind}-${i}`, resolve(config.serverEntry), config, { ...extraEnv, ...redisEnv })
        addServer(instance)
        await untilRedisReady(instance.server)
      }
    }
    return deployment
  }
  catch (error) {
    await deployment.stop()
    throw error
  }
}
