import { parseArgs } from 'node:util'

/**
 * The app alone (rooms in its SQLite file, the default), the app with
 * NUXT_STORE=memory, the raw `ws` baseline, and two app instances sharing
 * rooms through one redis-server.
 */
export const SERVER_KINDS = ['app', 'app-memory', 'baseline', 'app-2x', 'app-4x', 'cluster-1x', 'cluster-2x', 'cluster-4x'] as const
/** The kinds the chat-throughput phase runs against: one app process, each store. */
export const CHAT_KINDS: readonly ServerKind[] = ['app', 'app-memory']
export type ServerKind = typeof SERVER_KINDS[number]

/** The app processes a kind runs: the N of `app-Nx` and `cluster-Nx`, else one. */
export function instancesOf(kind: ServerKind): number {
  return Number(/-(\d+)x$/.exec(kind)?.[1] ?? 1)
}

export interface BenchConfig {
  /** Connection counts to measure at, ascending; the last is the most the run opens. */
  steps: number[]
  /** Members of the one big room, the first to fill. */
  bigRoom: number
  /** Size of every other room. */
  roomSize: number
  /** Room sizes for the fan-out and presence scaling, each filled on a fresh server. */
  roomSizes: number[]
  /** Ping interval of every client during the run (faster than the app's, to stress the heartbeat path). */
  intervalMs: number
  /** The app's own interval, at which the CPU target is checked at the largest step. */
  defaultIntervalMs: number
  /** Chat messages for fan-out, and newcomers for presence, per measurement. */
  trials: number
  /** Pause after a newcomer's leave reached the room, so the next join is not merged into the leave's window. */
  presenceGapMs: number
  /** How long server CPU is sampled under steady heartbeats. */
  cpuWindowMs: number
  /** Quiet time after a ramp, before RSS and CPU are read. */
  settleMs: number
  /** Sockets being opened at once. */
  concurrency: number
  /** Chat messages a second the throughput phase sends, spread over `chatRooms` rooms, each acknowledged to its sender. */
  chatRate: number
  chatRooms: number
  /** How long the throughput phase sends. */
  chatSeconds: number
  servers: ServerKind[]
  /** The built app's entry. */
  serverEntry: string
  build: 'if-missing' | 'always' | 'never'
  out: string
  /** Also write docs/performance.svg and docs/performance.json. */
  docs: boolean
  /** Run the servers under `node --cpu-prof`, profiles to bench/results/profiles. */
  cpuProf: boolean
  /** Take a heap snapshot of each server at the largest step, into bench/results/profiles. */
  heapSnapshot: boolean
  /** Lobby case: sockets watching the lobby, public rooms, rooms whose counts change every second, CPU window. */
  lobbyWatchers: number
  lobbyRooms: number
  lobbyChurnRooms: number
  lobbyWindowMs: number
  /** Hard stop for the whole run. */
  maxMinutes: number
  quick: boolean
  /** Also the other benchmarks (files, big answers, search, metrics, cluster, fallback, e2ee) after the load; a full run does. */
  extras: boolean
}

const FULL: BenchConfig = {
  steps: [1000, 2500, 5000, 10000],
  bigRoom: 1000,
  roomSize: 50,
  roomSizes: [10, 100, 1000, 2500],
  intervalMs: 2000,
  defaultIntervalMs: 6000,
  trials: 40,
  presenceGapMs: 150,
  cpuWindowMs: 6000,
  settleMs: 2000,
  concurrency: 100,
  chatRate: 5000,
  chatRooms: 100,
  chatSeconds: 20,
  servers: ['app', 'app-memory', 'baseline', 'app-2x'],
  serverEntry: '.output/server/index.mjs',
  build: 'if-missing',
  out: 'bench/results/latest.json',
  docs: false,
  cpuProf: false,
  heapSnapshot: false,
  lobbyWatchers: 1000,
  lobbyRooms: 200,
  lobbyChurnRooms: 20,
  lobbyWindowMs: 10000,
  maxMinutes: 30,
  quick: false,
  extras: true,
}

/** A few hundred connections: for the smoke test and for trying things out. */
const QUICK: Partial<BenchConfig> = {
  steps: [100, 300],
  bigRoom: 100,
  roomSizes: [10, 100],
  intervalMs: 500,
  defaultIntervalMs: 1000,
  trials: 8,
  presenceGapMs: 120,
  cpuWindowMs: 1000,
  settleMs: 300,
  chatRate: 500,
  chatRooms: 10,
  chatSeconds: 2,
  lobbyWatchers: 100,
  lobbyRooms: 20,
  lobbyChurnRooms: 5,
  lobbyWindowMs: 2000,
  out: 'bench/results/quick.json',
  maxMinutes: 3,
  quick: true,
  extras: false,
}

const OPTIONS = {
  'quick': { type: 'boolean' },
  'no-extras': { type: 'boolean' },
  'connections': { type: 'string' },
  'steps': { type: 'string' },
  'big-room': { type: 'string' },
  'room-size': { type: 'string' },
  'room-sizes': { type: 'string' },
  'interval': { type: 'string' },
  'default-interval': { type: 'string' },
  'trials': { type: 'string' },
  'presence-gap': { type: 'string' },
  'cpu-window': { type: 'string' },
  'settle': { type: 'string' },
  'concurrency': { type: 'string' },
  'chat-rate': { type: 'string' },
  'chat-rooms': { type: 'string' },
  'chat-seconds': { type: 'string' },
  'servers': { type: 'string' },
  'server-entry': { type: 'string' },
  'build': { type: 'boolean' },
  'no-build': { type: 'boolean' },
  'out': { type: 'string' },
  'docs': { type: 'boolean' },
  'cpu-prof': { type: 'boolean' },
  'heap-snapshot': { type: 'boolean' },
  'max-minutes': { type: 'string' },
  'lobby-watchers': { type: 'string' },
  'lobby-window': { type: 'string' },
  'help': { type: 'boolean' },
} as const

export const USAGE = `npm run bench -- [options]      (each option also as BENCH_<NAME>, e.g. BENCH_CONNECTIONS=2500)
  --quick                 a few hundred connections, small steps (the smoke test's setting)
  --no-extras             only the load, not the other benchmarks a full run ends with
  --connections N         open at most N connections (steps: the default ones below N, then N)
  --steps a,b,c           connection counts to measure at (default 1000,2500,5000,10000)
  --big-room N            members of the big room (default 1000); --room-size N: the other rooms (50)
  --room-sizes a,b        room sizes for the latency scaling (default 10,100,1000,2500)
  --interval MS           ping interval during the run (default 2000, to stress)
  --default-interval MS   interval of the CPU target check at the largest step (default 6000)
  --trials N              messages and newcomers per latency measurement (default 40)
  --cpu-window MS         CPU sampling window (default 6000); --settle MS before it (2000)
  --concurrency N         sockets opened at once (default 100)
  --chat-rate N           chat messages a second in the throughput phase (default 5000), over
  --chat-rooms N          this many rooms (default 100), for --chat-seconds N (default 20)
  --servers LIST          which of app,app-memory,baseline,app-2x,app-4x,cluster-1x,cluster-2x,cluster-4x
                          to run, in that order (default app,app-memory,baseline,app-2x;
                          app: rooms in SQLite, the default; app-memory: NUXT_STORE=memory;
                          app-2x, app-4x: two or four app instances on one redis-server, clients
                          taking them in turn; cluster-Nx: N instances on a Redis Cluster of
                          three masters and three replicas)
  --server-entry PATH     the built app (default .output/server/index.mjs)
  --build / --no-build    always build the app first / never (default: build if missing)
  --out PATH              results JSON (default bench/results/latest.json)
  --docs                  also write docs/performance.svg and docs/performance.json
  --cpu-prof              profile every server process (node --cpu-prof) into bench/results/profiles
  --heap-snapshot         a heap snapshot of each server process at the largest step, into the same folder
  --lobby-watchers N      sockets watching the lobby in the lobby case (default 1000; app and app-2x),
                          while 20 of 200 public rooms change their counts every second
  --lobby-window MS       the lobby case's CPU window, before, with and after the watchers (default 10000)
  --max-minutes N         stop the whole run after this long (default 30)`

function numbers(value: string): number[] {
  const list = value.split(',').map(Number)
  if (list.some(n => !Number.isFinite(n) || n <= 0)) throw new Error(`not a list of positive numbers: ${value}`)
  return list
}

function positive(value: string): number {
  return numbers(value)[0]!
}

function serverKinds(value: string): ServerKind[] {
  const named = value.split(',').map(name => name.trim()).filter(Boolean)
  const unknown = named.filter(name => !(SERVER_KINDS as readonly string[]).includes(name))
  if (unknown.length > 0 || named.length === 0) throw new Error(`--servers takes a list of ${SERVER_KINDS.join(', ')}; got ${value}`)
  return SERVER_KINDS.filter(kind => named.includes(kind))
}

/** Flags win over BENCH_* variables, which win over the preset. */
export function parseConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchConfig | 'help' {
  const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true })
  const get = (name: keyof typeof OPTIONS): string | boolean | undefined => {
    const flag = values[name]
    if (flag !== undefined) return flag
    const fromEnv = env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`]
    if (fromEnv === undefined || fromEnv === '') return undefined
    return OPTIONS[name].type === 'boolean' ? fromEnv !== '0' && fromEnv !== 'false' : fromEnv
  }
  if (get('help')) return 'help'
  const config: BenchConfig = { ...FULL, ...(get('quick') ? QUICK : {}) }
  const str = (name: keyof typeof OPTIONS) => get(name) as string | undefined
  if (str('steps')) config.steps = numbers(str('steps')!).sort((a, b) => a - b)
  if (str('connections')) {
    const max = positive(str('connections')!)
    config.steps = [...config.steps.filter(step => step < max), max]
  }
  if (str('big-room')) config.bigRoom = positive(str('big-room')!)
  if (str('room-size')) config.roomSize = positive(str('room-size')!)
  if (str('room-sizes')) config.roomSizes = numbers(str('room-sizes')!)
  if (str('interval')) config.intervalMs = positive(str('interval')!)
  if (str('default-interval')) config.defaultIntervalMs = positive(str('default-interval')!)
  if (str('trials')) config.trials = positive(str('trials')!)
  if (str('presence-gap')) config.presenceGapMs = positive(str('presence-gap')!)
  if (str('cpu-window')) config.cpuWindowMs = positive(str('cpu-window')!)
  if (str('settle')) config.settleMs = positive(str('settle')!)
  if (str('concurrency')) config.concurrency = positive(str('concurrency')!)
  if (str('chat-rate')) config.chatRate = positive(str('chat-rate')!)
  if (str('chat-rooms')) config.chatRooms = positive(str('chat-rooms')!)
  if (str('chat-seconds')) config.chatSeconds = positive(str('chat-seconds')!)
  if (str('servers')) config.servers = serverKinds(str('servers')!)
  if (str('server-entry')) config.serverEntry = str('server-entry')!
  if (get('build')) config.build = 'always'
  if (get('no-build')) config.build = 'never'
  if (get('no-extras')) config.extras = false
  if (str('out')) config.out = str('out')!
  if (get('docs')) config.docs = true
  if (get('cpu-prof')) config.cpuProf = true
  if (get('heap-snapshot')) config.heapSnapshot = true
  if (str('lobby-watchers')) config.lobbyWatchers = positive(str('lobby-watchers')!)
  if (str('lobby-window')) config.lobbyWindowMs = positive(str('lobby-window')!)
  if (str('max-minutes')) config.maxMinutes = positive(str('max-minutes')!)
  return config
}
