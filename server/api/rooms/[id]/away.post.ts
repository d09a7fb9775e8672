export default defineEventHandler(async (event) => {
  const { roomId, token, tabId } = await readMemberAction(event)
  if (!await withRoomStore(event, () => useRoomHub().away(roomId, token, tabId))) throw notAMember()
  setResponseStatus(event, 204)
  return null
})
