import type { RekeyFrame } from '../../../shared/protocol'
import { keyGenerationOf } from '../room-rekey'
import type { RoomStore } from '../types'
import type { FrameContext, FrameHandler } from './context'

type RekeyContext = Pick<FrameContext, 'sendError' | 'hashing'> & { readonly store: Pick<RoomStore, 'getRoom' | 'rekeyRoom' | 'publish'> }

/**
 * The owner of an end-to-end encrypted room changes its password. The server
 * gets what a join would send, the auth key derived from the new password and
 * the new salt, and hashes it as it hashed the first (rate-limited per address
 * like every scrypt): from then on a join needs the new password, and a chat
 * sealed with the old key is refused (E2EE_KEY_CHANGED). Members already in
 * stay members; the room hears the new salt and generation.
 */
export const handleRekey: FrameHandler<RekeyFrame, RekeyContext> = async (session, frame, { store, sendError, hashing }) => {
  const { roomId, id } = session.member
  const room = await store.getRoom(roomId)
  if (!room) return
  if (room.ownerId !== id) return sendError(session, 'FORBIDDEN', 'only the room\'s owner may change its password')
  if (!room.e2eeSalt) return sendError(session, 'BAD_REQUEST', 'only an end-to-end encrypted room changes its password this way')
  const generation = keyGenerationOf(room)
  if (frame.from !== generation) return sendError(session, 'E2EE_KEY_CHANGED', `the room is at key generation ${generation}, not ${frame.from}: the password changed meanwhile`)
  const passwordHash = await hashing.hash(session.address, frame.password)
  if (typeof passwordHash !== 'string') return sendError(session, passwordHash.code, passwordHash.message, passwordHash.retryAfterMs)
  if (!await store.rekeyRoom(roomId, { passwordHash, e2eeSalt: frame.e2eeSalt, generation: generation + 1 })) {
    return sendError(session, 'E2EE_KEY_CHANGED', 'the password changed meanwhile; try again')
  }
  await store.publish(roomId, { kind: 'rekeyed', salt: frame.e2eeSalt, generation: generation + 1 })
}
