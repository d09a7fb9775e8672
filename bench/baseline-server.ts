// The floor the app is measured against: raw `ws` on node:http, speaking the
// protocol subset the benchmark drives (join with a presence snapshot, ping and
// pong with counts, chat fan-out with seq, leave, change-only presence merged
// over the window, members going idle after the heartbeat window). No store
// interface, no promises, no validation beyond what keeps it standing: what
// Node itself costs, so the app's overhead over it is visible.
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import { WebSocketServer } from 'ws'
import type { WebSocket } from 'ws'
import type { ChatMessage, ErrorCode, MemberPresence, ServerFrame } from '../shared/protocol/index.js'

const windowMs = Number(process.env.NUXT_HEARTBEAT_WINDOW_MS) || 8000
const mergeMs = Number(process.env.NUXT_PRESENCE_MERGE_MS) || 100
const sweepMs = Number(process.env.NUXT_SWEEP_INTERVAL_MS) || 250
const memberTtlMs = Number(process.env.NUXT_MEMBER_TTL_MS) || 600_000
const historyOnJoin = 50

interface Member { id: string, name: string, room: Room, socket?: WebSocket, lastSeenAt: number, active: boolean }

interface Room {
  id: string
  members: Map<string, Member>
  names: Set<string>
  online: number
  seq: number
  history: ChatMessage[]
  changed: Map<string, MemberPresence>
  left: Set<string>
  coolingDown?: NodeJS.Timeout
}

const rooms = new Map<string, Room>()
const memberOf = new WeakMap<WebSocket, Member>()
const newId = () => randomBytes(9).toString('base64url')

function send(socket: WebSocket, frame: ServerFrame): void {
  socket.send(JSON.stringify(frame))
}

function sendError(socket: WebSocket, code: ErrorCode, message: string): void {
  send(socket, { type: 'error', code, message })
}

function broadcast(room: Room, data: string): void {
  for (const member of room.members.values()) member.socket?.send(data)
}

function presenceOf(member: Member): MemberPresence {
  return { id: member.id, name: member.name, active: member.active }
}

// First change at once, the ones within the next mergeMs together: as the app.
function announce(room: Room, member: Member, gone = false): void {
  if (gone) {
    room.changed.delete(member.id)
    room.left.add(member.id)
  }
  else {
    room.left.delete(member.id)
    room.changed.set(member.id, presenceOf(member))
  }
  if (!room.coolingDown) flush(room)
}

function flush(room: Room): void {
  room.coolingDown = undefined
  if (room.changed.size === 0 && room.left.size === 0) return
  broadcast(room, JSON.stringify({
    type: 'presence',
    roomId: room.id,
    online: room.online,
    members: room.members.size,
    changed: [...room.changed.values()],
    left: [...room.left],
  }))
  room.changed.clear()
  room.left.clear()
  room.coolingDown = setTimeout(flush, mergeMs, room)
}

function setActive(member: Member, active: boolean): void {
  if (member.active === active) return
  member.active = active
  member.room.online += active ? 1 : -1
  announce(member.room, member)
}

function join(socket: WebSocket, roomId: unknown, name: unknown): void {
  if (memberOf.has(socket)) return sendError(socket, 'ALREADY_JOINED', 'already joined')
  if (typeof roomId !== 'string' || typeof name !== 'string' || !roomId || !name.trim()) return sendError(socket, 'BAD_REQUEST', 'roomId and name')
  let room = rooms.get(roomId)
  const created = !room
  if (!room) {
    room = { id: roomId, members: new Map(), names: new Set(), online: 0, seq: 0, history: [], changed: new Map(), left: new Set() }
    rooms.set(roomId, room)
  }
  const key = name.trim().toLowerCase()
  if (room.names.has(key)) return sendError(socket, 'NAME_TAKEN', 'name taken')
  const member: Member = { id: newId(), name: name.trim(), room, socket, lastSeenAt: Date.now(), active: false }
  room.names.add(key)
  room.members.set(member.id, member)
  setActive(member, true)
  send(socket, {
    type: 'joined',
    roomId,
    you: { id: member.id, name: member.name },
    token: randomBytes(24).toString('base64url'),
    created,
    history: room.history,
    presence: { online: room.online, members: room.members.size, users: [...room.members.values()].map(presenceOf) },
    heartbeatWindowMs: windowMs,
    protected: false,
    // The baseline has neither titles nor owners.
    title: roomId,
    visibility: 'unlisted',
    owner: '',
  })
  memberOf.set(socket, member)
}

function chat(member: Member, text: unknown, clientId: unknown): void {
  const room = member.room
  const message: ChatMessage = {
    type: 'chat',
    seq: ++room.seq,
    id: newId(),
    roomId: room.id,
    from: { id: member.id, name: member.name },
    text: String(text),
    at: Date.now(),
    ...(typeof clientId === 'string' ? { clientId } : {}),
  }
  room.history.push(message)
  if (room.history.length > historyOnJoin) room.history.shift()
  broadcast(room, JSON.stringify(message))
}

function remove(member: Member): void {
  const room = member.room
  room.members.delete(member.id)
  room.names.delete(member.name.toLowerCase())
  if (member.active) room.online -= 1
  announce(room, member, true)
  if (room.members.size === 0) rooms.delete(room.id)
}

function receive(socket: WebSocket, raw: string): void {
  let frame: Record<string, unknown>
  try {
    frame = JSON.parse(raw) as Record<string, unknown>
  }
  catch {
    return sendError(socket, 'BAD_REQUEST', 'not JSON')
  }
  if (frame.type === 'join') return join(socket, frame.roomId, frame.name)
  const member = memberOf.get(socket)
  if (!member) return sendError(socket, 'NOT_JOINED', 'join first')
  member.lastSeenAt = Date.now()
  if (frame.type === 'ping') {
    send(socket, { type: 'pong', online: member.room.online, members: member.room.members.size })
    return setActive(member, true)
  }
  if (frame.type === 'chat') {
    chat(member, frame.text, frame.clientId)
    return setActive(member, true)
  }
  if (frame.type === 'leave') {
    memberOf.delete(socket)
    member.socket = undefined
    remove(member)
    return send(socket, { type: 'left', roomId: member.room.id })
  }
  sendError(socket, 'BAD_REQUEST', 'unknown type')
}

// One timer for the whole server: silent members go idle, long-gone ones leave.
function sweep(): void {
  const now = Date.now()
  for (const room of rooms.values()) {
    for (const member of room.members.values()) {
      const silentFor = now - member.lastSeenAt
      if (member.active && silentFor > windowMs) setActive(member, false)
      else if (!member.active && silentFor > memberTtlMs) remove(member)
      if (member.socket && silentFor > 2 * windowMs) member.socket.terminate()
    }
  }
}

const server = createServer((_request, response) => response.writeHead(404).end())
const wss = new WebSocketServer({ server, path: '/ws', maxPayload: 64 * 1024, perMessageDeflate: false, clientTracking: false })
wss.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => {
    if (isBinary) return sendError(socket, 'BAD_REQUEST', 'binary')
    receive(socket, data.toString())
  })
  socket.on('error', () => socket.terminate())
  socket.on('close', () => {
    const member = memberOf.get(socket)
    if (!member) return
    memberOf.delete(socket)
    member.socket = undefined
    setActive(member, false)
  })
})
setInterval(sweep, sweepMs).unref()
process.once('SIGTERM', () => process.exit(0))
server.listen(Number(process.env.PORT) || 0, process.env.HOST || '127.0.0.1', () => {
  const address = server.address()
  if (address && typeof address === 'object') console.log(`Listening on http://${address.address}:${address.port}`)
})
