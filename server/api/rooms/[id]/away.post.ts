export default defineEventHandler(async (event) => {
  const { roomId, token } = await readMemberAction(event)
  if (!await withRoomStore(event, () => useRoomHub().away(roomId, token))) throw notAMember()
  setResponseStatus(event, 204)
  return null
})
