import { execFile, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { freePort } from './redis.js'

const run = promisify(execFile)

export interface ClusterNode {
  port: number
  process: ChildProcess
}

export interface RunningCluster {
  nodes: ClusterNode[]
  /** NUXT_REDIS_URL: every node, comma-separated. */
  url: string
  /** Runs redis-cli against one node and returns its output. */
  cli: (port: number, ...args: string[]) => Promise<string>
  /** The ports of the masters, and of each master's replica. */
  roles: () => Promise<{ masters: number[], replicaOf: Map<number, number> }>
  /** Waits until every node says cluster_state:ok and the masters are `masters` in number. */
  waitHealthy: (timeoutMs?: number) => Promise<void>
  /** SIGKILL of one node. */
  kill: (port: number) => Promise<void>
  stop: () => Promise<void>
}

/** How long a node may be silent before the others fail it over: short, so the tests measure recovery in seconds. */
export const NODE_TIMEOUT_MS = 1000

function launch(port: number, dir: string): Promise<ChildProcess> {
  // AOF fsync always: a replica promoted by failover is the data, and a
  // killed master's own copy is not what the tests check (WAIT is).
  const child = spawn('redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no',
    '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', String(NODE_TIMEOUT_MS),
    // A replica of a master that just died takes over at once, whatever its last contact.
    '--cluster-replica-validity-factor', '0',
  ], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000)
    child.on('error', error => reject(new Error(`redis-server could not start (scripts/setup.sh installs it): ${error.message}`)))
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer)
        resolve(child)
      }
    })
    child.once('exit', code => reject(new Error(`redis-server exited with ${code}:\n${output}`)))
  })
}

/**
 * A real Redis Cluster from Debian's redis-server on free ports: three
 * masters and one replica each, formed by `redis-cli --cluster create`.
 */
export async function startRedisCluster(): Promise<RunningCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'hb-cluster-'))
  const ports: number[] = []
  while (ports.length < 6) {
    const port = await freePort()
    // The cluster bus listens on port + 10000: both must be free.
    if (port < 55_000 && !ports.includes(port)) ports.push(port)
  }
  const nodes = await Promise.all(ports.map(async port => ({ port, process: await launch(port, dir) })))
  const cli = async (port: number, ...args: string[]) => (await run('redis-cli', ['-p', String(port), ...args])).stdout
  await run('redis-cli', ['--cluster', 'create', ...ports.map(port => `127.0.0.1:${port}`), '--cluster-replicas', '1', '--cluster-yes'])

  const alive = () => nodes.filter(node => node.process.exitCode === null && node.process.signalCode === null)
  const roles = async () => {
    const lines = (await cli(alive()[0]!.port, 'cluster', 'nodes')).trim().split('\n').map(line => line.split(' '))
    const portOf = new Map(lines.map(fields => [fields[0]!, Number(fields[1]!.split(':')[1]!.split('@')[0])]))
    const live = lines.filter(fields => !fields[2]!.includes('fail'))
    const masters = live.filter(fields => fields[2]!.includes('master') && fields.length > 8).map(fields => portOf.get(fields[0]!)!)
    const replicaOf = new Map(live.filter(fields => fields[2]!.includes('slave')).map(fields => [portOf.get(fields[3]!)!, portOf.get(fields[0]!)!]))
    return { masters, replicaOf }
  }
  const running: RunningCluster = {
    nodes,
    url: ports.map(port => `redis://127.0.0.1:${port}`).join(','),
    cli,
    roles,
    waitHealthy: async (timeoutMs = 20_000) => {
      const until = Date.now() + timeoutMs
      for (;;) {
        const states = await Promise.all(alive().map(node => cli(node.port, 'cluster', 'info').catch(() => '')))
        const { masters, replicaOf } = await roles().catch(() => ({ masters: [], replicaOf: new Map() }))
        // A replica counts once its link to the master is up (after the first full sync): WAIT 1 answers then.
        const links = await Promise.all([...replicaOf.values()].map(port => cli(port, 'info', 'replication').catch(() => '')))
        if (states.every(info => info.includes('cluster_state:ok')) && masters.length === 3 && links.every(info => info.includes('master_link_status:up'))
          && masters.every(port => replicaOf.has(port) || alive().length < 6)) return
        if (Date.now() > until) throw new Error(`cluster not healthy: ${states.join('\n')}`)
        await new Promise(resolve => setTimeout(resolve, 200))
      }
    },
    kill: port => new Promise((resolve) => {
      const node = nodes.find(candidate => candidate.port === port)!
      if (node.process.exitCode !== null || node.process.signalCode !== null) return resolve()
      node.process.once('exit', () => resolve())
      node.process.kill('SIGKILL')
    }),
    stop: async () => {
      await Promise.all(nodes.map(node => running.kill(node.port)))
      rmSync(dir, { recursive: true, force: true })
    },
  }
  await running.waitHealthy()
  return running
}
