import type { IncomingMessage } from 'node:http'
import { WebSocketServer } from 'ws'
import type { ServerOptions, WebSocket } from 'ws'
import type { Connection, RoomHub } from '../rooms/room-hub'

/** A `ws` socket as the hub sees it. */
class SocketConnection implements Connection {
  constructor(private readonly ws: WebSocket, readonly remoteAddress: string | undefined) {}

  send(data: string): void {
    this.ws.send(data)
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason)
  }

  terminate(): void {
    this.ws.terminate()
  }
}

/**
 * The `ws` server crossws upgrades through. crossws still answers the upgrade
 * and runs the route's `upgrade` hook (the origin check); from the open socket
 * on, the hub takes it directly. Through crossws every frame would resolve the
 * route again and every socket would keep its upgrade request alive
 * (docs/performance.md), and the binary flag would be lost.
 */
export function createHubSocketServer(hub: () => RoomHub, options: ServerOptions): WebSocketServer {
  class HubSocketServer extends WebSocketServer {
    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (event !== 'connection') return super.emit(event, ...args)
      const [ws, request] = args as [WebSocket, IncomingMessage]
      const conn = new SocketConnection(ws, request.socket.remoteAddress)
      const rooms = hub()
      rooms.open(conn)
      ws.on('message', (data: Buffer, isBinary: boolean) => rooms.receive(conn, isBinary ? undefined : data.toString(), data.length))
      ws.on('error', () => ws.terminate())
      ws.on('close', () => rooms.close(conn))
      return true
    }
  }
  return new HubSocketServer({ ...options, noServer: true, clientTracking: false })
}
