import { STATUS_CODES } from 'node:http'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import type { ServerOptions, WebSocket } from 'ws'
import { CLOSE_CODES } from '../../shared/protocol'
import type { ErrorFrame } from '../../shared/protocol'
import type { Connection, RoomHub } from '../rooms/room-hub'
import { AddressSlots } from './address-slots'
import { SendBudget } from './send-budget'
import type { SendBudgetOptions } from './send-budget'
import { judgeUpgrade } from './upgrade-gate'
import { log } from '../log'
import { countClosedSocket } from '../metrics/counts'
import type { UpgradeGateOptions } from './upgrade-gate'

/** Sockets whose close the server counted itself (with its own code): ws would report them as 1006 once cut. */
const closedByServer = new WeakSet<WebSocket>()

/** A closed socket whose client does not answer the close is cut after this long. */
const CUT_AFTER_MS = 1000

/**
 * Sends the close frame, then ends the TCP connection as soon as it is
 * flushed, without waiting for the client's half of the close handshake (ws
 * would wait 30 s): a refused or abusive client must not keep a file
 * descriptor by simply not answering. Nothing more is read: a flooder would
 * otherwise have every byte it writes until the cut parsed.
 */
function closeAndCut(ws: WebSocket, socket: Duplex, code: number, reason: string): void {
  closedByServer.add(ws)
  countClosedSocket(code)
  ws.close(code, reason)
  socket.pause()
  socket.end()
  setTimeout(() => socket.destroy(), CUT_AFTER_MS).unref()
}

/** A `ws` socket as the hub sees it. */
class SocketConnection implements Connection {
  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Duplex,
    private readonly budget: SendBudget,
    readonly remoteAddress: string,
  ) {}

  get bufferedAmount(): number {
    return this.ws.bufferedAmount
  }

  send(data: string, options?: { droppable?: boolean }): void {
    if (this.budget.admit(this, options?.droppable ?? false)) this.ws.send(data)
  }

  close(code: number, reason: string): void {
    closeAndCut(this.ws, this.socket, code, reason)
  }

  /** For the send budget: the client stopped reading, so nothing more is written and nothing is lost that a resume cannot bring back. */
  cut(): void {
    this.ws.terminate()
  }

  terminate(): void {
    this.ws.terminate()
  }
}

export interface HubSocketServerOptions extends UpgradeGateOptions {
  /** Sockets one client address may hold at once. */
  maxSocketsPerAddress: number
  sendBudget?: SendBudgetOptions
  ws: ServerOptions
}

function refuseUpgrade(socket: Duplex, status: number, code: string, message: string): void {
  log('upgrade_refused', `an upgrade was refused: ${code}`, { status, reason: code })
  const body = JSON.stringify({ code, message })
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
  setTimeout(() => socket.destroy(), CUT_AFTER_MS).unref()
}

/**
 * The `ws` server crossws upgrades through. Every upgrade passes the gate
 * here (path, origin, sockets per address) before a socket exists; from the
 * open socket on, the hub takes it directly. Through crossws every frame
 * would resolve the route again and every socket would keep its upgrade
 * request alive (docs/performance.md), and the binary flag would be lost.
 * crossws documents neither the `wss` it is given nor the emit this takes
 * over: tests/unit/crossws-seam.test.ts fails, naming the version, the day
 * an update changes them ("The transport's seam" in docs/performance.md).
 */
export function createHubSocketServer(hub: () => RoomHub, options: HubSocketServerOptions) {
  const slots = new AddressSlots(options.maxSocketsPerAddress)
  const budget = new SendBudget(options.sendBudget)
  const addresses = new WeakMap<IncomingMessage, string>()
  let upgradesStopped = false

  class HubSocketServer extends WebSocketServer {
    override handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, callback: (ws: WebSocket, request: IncomingMessage) => void): void {
      if (upgradesStopped) return refuseUpgrade(socket, 503, 'SHUTTING_DOWN', 'this instance is shutting down; connect again')
      const verdict = judgeUpgrade(request, options)
      if (!verdict.ok) return refuseUpgrade(socket, verdict.status, verdict.code, verdict.message)
      if (!slots.take(verdict.address)) {
        log('upgrade_refused', 'an upgrade was refused: TOO_MANY_CONNECTIONS', { status: 101, reason: 'TOO_MANY_CONNECTIONS', address: verdict.address })
        // Upgraded only to say why in a way browsers show (close 4029).
        return super.handleUpgrade(request, socket, head, (ws) => {
          const frame: ErrorFrame = { type: 'error', code: 'TOO_MANY_CONNECTIONS', message: `at most ${slots.maxPerAddress} sockets per client address` }
          ws.send(JSON.stringify(frame))
          closeAndCut(ws, socket, CLOSE_CODES.tooManyConnections, 'too many connections')
        })
      }
      // The raw socket's close comes whatever happens (a failed handshake included), so the slot is always given back.
      socket.on('close', () => slots.release(verdict.address))
      addresses.set(request, verdict.address)
      super.handleUpgrade(request, socket, head, callback)
    }

    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (event !== 'connection') return super.emit(event, ...args)
      const [ws, request] = args as [WebSocket, IncomingMessage]
      const conn = new SocketConnection(ws, request.socket, budget, addresses.get(request) ?? 'unknown')
      const rooms = hub()
      rooms.open(conn)
      ws.on('message', (data: Buffer, isBinary: boolean) => rooms.receive(conn, isBinary ? undefined : data.toString(), data.length))
      ws.on('error', () => ws.terminate())
      ws.on('close', (code: number) => {
        if (!closedByServer.has(ws)) countClosedSocket(code)
        budget.forget(conn)
        rooms.close(conn)
      })
      return true
    }
  }

  const server = new HubSocketServer({ ...options.ws, noServer: true, clientTracking: false })
  return {
    server,
    // The fallback transport (stream-sessions.ts) counts its sessions in the same slots and writes through the same budget.
    slots,
    budget,
    stats: () => ({ clientAddresses: slots.addressCount, backloggedSockets: budget.backloggedCount }),
    dispose: () => budget.dispose(),
    /** On SIGTERM: a socket opened now would only be closed again. */
    stopUpgrades: () => {
      upgradesStopped = true
    },
  }
}
