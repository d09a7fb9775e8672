export default defineEventHandler(async (event) => {
  const { roomId, token } = await readMemberAction(event)
  if (!await withRoomStore(event, () => useRoomHub().leaveByToken(roomId, token))) throw notAMember()
  setResponseStatus(event, 204)
  return null
})
