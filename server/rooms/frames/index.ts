import type { ClientFrame } from '../../../shared/protocol'
import type { Session } from '../session-index'
import type { FrameContext, FrameHandler, JoinedSession } from './context'
import { handleChat } from './chat'
import { handleDelete } from './delete'
import { handleDm } from './dm'
import { handleEdit } from './edit'
import { handleHistory } from './history'
import { handleJoin } from './join'
import { handleKick } from './kick'
import { handleLeave } from './leave'
import { handlePing } from './ping'
import { handlePin } from './pin'
import { handleReact } from './react'
import { handleRekey } from './rekey'
import { handleSearch } from './search'
import { handleSlowMode } from './slow-mode'
import { handleTitle } from './title'
import { handleTyping } from './typing'
import { handleUnwatch } from './unwatch'
import { handleWatch } from './watch'
import type { CoreLog } from '../../log'

export type { FrameContext, JoinedSession } from './context'

/**
 * A frame type's row: its handler, and whether the socket must have joined
 * a room first. One sent before that is refused with NOT_JOINED, unhandled.
 */
export type FrameRow<F>
  = | { readonly needsMember: true, readonly handle: FrameHandler<F, FrameContext, JoinedSession> }
    | { readonly needsMember: false, readonly handle: FrameHandler<F, FrameContext, Session> }

/** A row for every client frame type: a type the protocol adds without one does not compile. */
export type FrameRows = { readonly [T in ClientFrame['type']]: FrameRow<Extract<ClientFrame, { type: T }>> }

/** The rows by type; a Map, so that no name from Object's prototype is ever a row. */
export type FrameTable = ReadonlyMap<string, FrameRow<ClientFrame>>

export function frameTable(rows: FrameRows): FrameTable {
  // Each row's handler takes the frame of its own key, which is what dispatchFrame looks it up by.
  return new Map(Object.entries(rows)) as unknown as FrameTable
}

export const FRAME_ROWS: FrameRows = {
  join: { needsMember: false, handle: handleJoin },
  ping: { needsMember: false, handle: handlePing },
  watch: { needsMember: false, handle: handleWatch },
  unwatch: { needsMember: false, handle: handleUnwatch },
  chat: { needsMember: true, handle: handleChat },
  leave: { needsMember: true, handle: handleLeave },
  typing: { needsMember: true, handle: handleTyping },
  history: { needsMember: true, handle: handleHistory },
  react: { needsMember: true, handle: handleReact },
  edit: { needsMember: true, handle: handleEdit },
  delete: { needsMember: true, handle: handleDelete },
  title: { needsMember: true, handle: handleTitle },
  kick: { needsMember: true, handle: handleKick },
  dm: { needsMember: true, handle: handleDm },
  search: { needsMember: true, handle: handleSearch },
  pin: { needsMember: true, handle: handlePin },
  slowMode: { needsMember: true, handle: handleSlowMode },
  rekey: { needsMember: true, handle: handleRekey },
}

export const FRAME_TABLE = frameTable(FRAME_ROWS)

/**
 * Hands a parsed frame to its row's handler. A type with no row (the parser
 * refuses unknown types first, so only a table built without one) is
 * refused as the parser would: nothing else happens to the socket.
 */
export function dispatchFrame(table: FrameTable, session: Session, frame: ClientFrame, context: FrameContext): Promise<void> | void {
  const row = table.get(frame.type)
  if (row === undefined) return context.sendError(session, 'BAD_REQUEST', `unknown frame type "${frame.type}"`)
  if (row.needsMember && !session.member) return context.sendError(session, 'NOT_JOINED', `join a room before sending ${frame.type}`)
  return row.handle(session as JoinedSession, frame, context)
}

/** A handler that threw: the store out of reach is UNAVAILABLE (try again), anything else INTERNAL. */
export function frameFailed(context: Pick<FrameContext, 'store' | 'sendError'>, session: Session, frame: ClientFrame, error: unknown, log: CoreLog): void {
  log(`frame ${frame.type} failed`, 'frame_failed', { frameType: frame.type, error: error instanceof Error ? error.name : typeof error }, 'error')
  if (context.store.health().state !== 'ready' || context.store.isUnavailableError(error)) context.sendError(session, 'UNAVAILABLE', 'the room store is out of reach; try again shortly')
  else context.sendError(session, 'INTERNAL', 'the server could not handle that frame')
}
