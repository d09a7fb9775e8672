import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { get } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findNginx, mainConfig, NGINX_SITE_CONFIG, siteConfigForTest } from './nginx-site'
import { freePort, startRedis } from './redis'
import type { RunningRedis } from './redis'
import { startServer } from './server'
import type { RunningServer } from './server'

export interface RunningNginx {
  port: number
  url: string
  wsUrl: string
  process: ChildProcess
  output: () => string
  /** `host:port` of the instance that nginx sends this client address to. */
  upstreamFor: (localAddress: string) => Promise<string>
  /**
   * Writes the site again (`alterSite` of the documented one, or it as it
   * is) and reloads, as `nginx -s reload` does: connections already open stay
   * with the old workers until they end, new ones get the new site.
   */
  reload: (alterSite?: (site: string) => string) => Promise<void>
  stop: () => Promise<void>
}

/** A GET that leaves from `localAddress`; resolves with the status and headers. */
export function httpGet(url: string, localAddress?: string): Promise<{ status: number, headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const request = get(url, { localAddress, agent: false }, (response) => {
      response.resume()
      response.once('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers }))
    })
    request.once('error', reject)
    request.setTimeout(2000, () => request.destroy(new Error(`GET ${url} timed out`)))
  })
}

/**
 * Debian's nginx with deploy/nginx.conf (or `alterSite` of it: a proxy that
 * strips Upgrade, say), as a child process (`daemon off`)
 * with its config, pid and temp files in a temp folder, listening on
 * 127.0.0.1:`port` (a free one by default) in front of `upstreams`.
 * Resolves once a request through it reaches an instance.
 */
export async function startNginx(upstreams: readonly string[], port?: number, options: { alterSite?: (site: string) => string } = {}): Promise<RunningNginx> {
  const binary = findNginx()
  if (!binary) throw new Error('nginx is not installed: run scripts/setup.sh (on Debian it installs the nginx package)')
  const listenPort = port ?? await freePort()
  const folder = mkdtempSync(join(tmpdir(), 'heartbeat-nginx-'))
  // Run as root, nginx's workers drop to nobody and must reach their temp folders.
  chmodSync(folder, 0o755)
  const site = siteConfigForTest(readFileSync(NGINX_SITE_CONFIG, 'utf8'), `127.0.0.1:${listenPort}`, upstreams)
  writeFileSync(join(folder, 'heartbeat.conf'), options.alterSite ? options.alterSite(site) : site)
  writeFileSync(join(folder, 'nginx.conf'), mainConfig(folder))
  const child = spawn(binary, ['-e', 'stderr', '-p', `${folder}/`, '-c', join(folder, 'nginx.conf')], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const url = `http://127.0.0.1:${listenPort}`
  const stop = () => new Promise<void>((resolve) => {
    const done = () => {
      rmSync(folder, { recursive: true, force: true })
      resolve()
    }
    if (child.exitCode !== null || child.signalCode !== null) return done()
    // SIGTERM: the master takes its workers down with it (SIGKILL would orphan them).
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000)
    child.once('exit', () => {
      clearTimeout(killer)
      done()
    })
    child.kill('SIGTERM')
  })

  const exited = new Promise<never>((_, reject) => {
    child.once('error', error => reject(new Error(`nginx could not start (${error.message}): run scripts/setup.sh`)))
    child.once('exit', code => reject(new Error(`nginx exited with ${code}:\n${output}`)))
  })
  exited.catch(() => {})
  const answers = (async () => {
    for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
      const answer = await httpGet(`${url}/api/health`).catch(() => undefined)
      if (answer?.status === 200) return
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    throw new Error(`nginx did not answer on ${url} within 10 s:\n${output}`)
  })()
  try {
    await Promise.race([answers, exited])
  }
  catch (error) {
    await stop()
    throw error
  }

  return {
    port: listenPort,
    url,
    wsUrl: `ws://127.0.0.1:${listenPort}/ws`,
    process: child,
    output: () => output,
    async upstreamFor(localAddress) {
      const { headers } = await httpGet(`${url}/api/health`, localAddress)
      return String(headers['x-upstream-addr'])
    },
    async reload(alterSite) {
      writeFileSync(join(folder, 'heartbeat.conf'), alterSite ? alterSite(site) : site)
      child.kill('SIGHUP')
      // Its workers start within a moment; a test checks what it needs through them.
      await new Promise(resolve => setTimeout(resolve, 1000))
    },
    stop,
  }
}

export interface ProxiedDeploy {
  redis: RunningRedis
  instances: RunningServer[]
  nginx: RunningNginx
  stop: () => Promise<void>
}

/**
 * The deploy of docs/deploy.md: a redis-server, `instances` app instances on
 * it that trust nginx (NUXT_TRUSTED_PROXIES=127.0.0.1) and know their public
 * origin, and nginx in front of them. `env` adds to or (undefined) removes
 * from the instances' test environment.
 */
export async function startProxiedDeploy(env: Record<string, string | undefined> = {}, instances = 2): Promise<ProxiedDeploy> {
  const port = await freePort()
  const redis = await startRedis()
  const servers = await Promise.all(Array.from({ length: instances }, () => startServer({
    NUXT_REDIS_URL: redis.url,
    NUXT_TRUSTED_PROXIES: '127.0.0.1',
    NUXT_PUBLIC_ORIGIN: `http://127.0.0.1:${port}`,
    ...env,
  })))
  const stopApps = async () => {
    await Promise.all(servers.map(server => server.stop()))
    await redis.kill()
  }
  const nginx = await startNginx(servers.map(server => new URL(server.url).host), port).catch(async (error: unknown) => {
    await stopApps()
    throw error
  })
  return {
    redis,
    instances: servers,
    nginx,
    async stop() {
      await nginx.stop()
      await stopApps()
    },
  }
}
