// The owner's settings of a room's conversation, in the room's hash:
// `slowMode` (seconds) and `pins` (a JSON list of ids, oldest pin first).
// The slow-mode check itself is part of APPEND_MESSAGE (messages.ts).

/** KEYS: room. ARGV: seconds. 1, or 0 when there is no such room. */
export const SET_SLOW_MODE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'slowMode', ARGV[1])
return 1
`

/**
 * KEYS: room. ARGV: messageId, '1' to pin or '0' to unpin, the most pins a
 * room holds. withPin (room-settings.ts) in Lua: {1, pins JSON} when the
 * pins changed, {0, pins JSON} when they did not, {-1} past the most, nil
 * when there is no such room.
 */
export const CHANGE_PIN = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local stored = redis.call('HGET', KEYS[1], 'pins') or '[]'
local pins = cjson.decode(stored)
local at = nil
for i, pin in ipairs(pins) do
  if pin == ARGV[1] then at = i end
end
local pinned = ARGV[2] == '1'
if pinned == (at ~= nil) then return {0, stored} end
if not pinned then
  table.remove(pins, at)
elseif #pins >= tonumber(ARGV[3]) then
  return {-1}
else
  table.insert(pins, ARGV[1])
end
-- cjson writes an empty table as an object.
local json = #pins == 0 and '[]' or cjson.encode(pins)
redis.call('HSET', KEYS[1], 'pins', json)
return {1, json}
`
