import { isValidRoomId } from '../../../../shared/protocol'

export default defineEventHandler(async (event) => {
  const roomId = getRouterParam(event, 'id')
  if (!isValidRoomId(roomId)) throw badRequest('room id is not valid')
  const summary = await withRoomStore(event, () => useRoomHub().summary(roomId))
  if (!summary) throw createError({ statusCode: 404, statusMessage: 'Not Found', data: { code: 'NO_SUCH_ROOM', message: 'no room has that id' } })
  return summary
})
