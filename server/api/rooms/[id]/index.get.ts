import { parseRoomId } from '../../../../shared/protocol'

// A room nobody has opened yet is an answer, not an error: the page asks this
// before every join, and a 404 would be logged in the browser's console.
export default defineEventHandler(async (event) => {
  const roomId = parseRoomId(getRouterParam(event, 'id'))
  if (roomId === undefined) throw badRequest('room id is not valid')
  const summary = await withRoomStore(event, () => useRoomHub().summary(roomId))
  if (!summary) return { roomId, exists: false, online: 0, members: 0, protected: false }
  return { ...summary, exists: true }
})
