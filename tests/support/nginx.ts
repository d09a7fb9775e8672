import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { accessSync, chmodSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { get } from 'node:http'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort, startRedis } from './redis'
import type { RunningRedis } from './redis'
import { startServer } from './server'
import type { RunningServer } from './server'

/** The nginx configuration that docs/deploy.md quotes and tells people to use. */
export const NGINX_SITE_CONFIG = fileURLToPath(new URL('../../deploy/nginx.conf', import.meta.url))

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

/**
 * deploy/nginx.conf as the tests run it: the lines marked `# TLS` become a
 * plain-http `listen`, and the upstream's servers become the given ones.
 * Everything else is the documented text, unchanged.
 */
export function siteConfigForTest(site: string, listen: string, upstreams: readonly string[]): string {
  const lines: string[] = []
  let inUpstream = false
  let listened = false
  let listed = false
  for (const line of site.split('\n')) {
    if (/^\s*upstream\s+\S+\s*\{/.test(line)) inUpstream = true
    else if (inUpstream && /^\s*\}/.test(line)) inUpstream = false
    if (/#\s*TLS\s*$/.test(line)) {
      if (!listened) lines.push(`    listen ${listen};`)
      listened = true
      continue
    }
    const server = inUpstream ? /^(\s*)server\s+[^\s;]+([^;]*);/.exec(line) : null
    if (server) {
      if (!listed) lines.push(...upstreams.map(upstream => `${server[1]}server ${upstream}${server[2]};`))
      listed = true
      continue
    }
    lines.push(line)
  }
  if (!listened || !listed) throw new Error(`${NGINX_SITE_CONFIG} no longer has the lines marked "# TLS" or the upstream servers that the tests replace`)
  return lines.join('\n')
}

/** What a packaged nginx.conf would add around the site: here all in one temp folder, nothing root-only. */
function mainConfig(folder: string): string {
  return [
    'daemon off;',
    'worker_processes 1;',
    `pid ${folder}/nginx.pid;`,
    'error_log stderr warn;',
    'events { worker_connections 4096; }',
    'http {',
    '    access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(kind => `    ${kind}_temp_path ${folder}/${kind}_temp;`),
    // For the tests only: which instance answered, so a test can put two clients on one instance.
    '    add_header X-Upstream-Addr $upstream_addr always;',
    `    include ${folder}/heartbeat.conf;`,
    '}',
    '',
  ].join('\n')
}

/** Debian installs nginx in /usr/sbin, which is not on every user's PATH. */
function findNginx(): string | undefined {
  const folders = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin'].filter(Boolean)
  return folders.map(folder => join(folder, 'nginx')).find((path) => {
    try {
      accessSync(path, constants.X_OK)
      return true
    }
    catch {
      return false
    }
  })
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
