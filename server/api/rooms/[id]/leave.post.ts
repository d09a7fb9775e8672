export default defineEventHandler(async (event) => {
  const { roomId, token } = await readMemberAction(event)
  if (!await useRoomHub().leaveByToken(roomId, token)) throw notAMember()
  setResponseStatus(event, 204)
  return null
})
