import { spawn } from 'node:child_process'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { get } from 'node:http'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { findNginx, mainConfig, siteConfigForTest } from '../tests/support/nginx-site.js'
import { freePort } from '../tests/support/redis.js'

/** An nginx in front of one server, as docs/deploy.md sets it up. */
export interface NginxProxy {
  url: string
  /** Master and worker: what nginx's CPU is summed over. */
  pids: () => number[]
  stop: () => Promise<void>
}

// As every bench script, run from the repository's root (the compiled copy of nginx-site.js sits elsewhere).
const SITE = resolve('deploy/nginx.conf')

function healthStatus(url: string): Promise<number> {
  return new Promise(resolve => get(`${url}/api/health`, { agent: false }, (res) => {
    res.resume()
    resolve(res.statusCode ?? 0)
  }).once('error', () => resolve(0)))
}

/** Debian's nginx with deploy/nginx.conf (plain http on a free port) in front of `upstream` (host:port), config and temp files in `folder`. */
export async function startNginxProxy(upstream: string, folder: string): Promise<NginxProxy> {
  const binary = findNginx()
  if (!binary) throw new Error('nginx is not installed: run scripts/setup.sh')
  mkdirSync(folder, { recursive: true })
  // Run as root, nginx's worker drops to nobody and must reach its temp folders.
  chmodSync(folder, 0o755)
  const port = await freePort()
  writeFileSync(join(folder, 'heartbeat.conf'), siteConfigForTest(readFileSync(SITE, 'utf8'), `127.0.0.1:${port}`, [upstream]))
  writeFileSync(join(folder, 'nginx.conf'), mainConfig(folder))
  const child = spawn(binary, ['-e', 'stderr', '-p', `${folder}/`, '-c', join(folder, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'inherit'] })
  const url = `http://127.0.0.1:${port}`
  const stop = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
  for (const deadline = Date.now() + 10_000; await healthStatus(url) !== 200;) {
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop()
      throw new Error(`nginx in front of ${upstream} did not answer on ${url} within 10 s`)
    }
    await sleep(50)
  }
  const pids = () => {
    const master = child.pid!
    const workers = readFileSync(`/proc/${master}/task/${master}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)
    return [master, ...workers]
  }
  return { url, pids, stop }
}
