import type { UpgradeGateOptions } from '../transport/upgrade-gate'
import type { StreamSessions } from '../transport/stream-sessions'

export interface StreamTransport {
  sessions: StreamSessions
  /** The socket's Origin rules (server/transport/upgrade-gate.ts), applied to the stream and the POSTs. */
  gate: Omit<UpgradeGateOptions, 'path'>
}

let transport: StreamTransport | undefined

/** The fallback transport, set up beside the socket server by server/plugins/websocket.ts; its routes read it. */
export function useStreamTransport(source?: StreamTransport): StreamTransport {
  if (source) transport = source
  if (!transport) throw new Error('the fallback transport is not set up yet')
  return transport
}
