// Finds a held message by id: one HGET of its seq in the room's hash
// ('msg:' .. id, written by APPEND_MESSAGE) and one LINDEX, since held seqs
// are consecutive and end at the room's seq. Only messages posted before
// the index existed (a room older than it: 'msg-index-from' missing or past
// the oldest held) are looked for the old way, newest first, 50 at a time.
// KEYS of every caller start with history, room, seq.
export const FIND_MESSAGE = `
local function scanMessages(key, id)
  local needle = '"id":"' .. id .. '"'
  local hi = redis.call('LLEN', key) - 1
  while hi >= 0 do
    local lo = math.max(0, hi - 49)
    local items = redis.call('LRANGE', key, lo, hi)
    for i = #items, 1, -1 do
      if string.find(items[i], needle, 1, true) then
        local message = cjson.decode(items[i])
        if message.id == id then return lo + i - 1, message end
      end
    end
    hi = lo - 1
  end
  return nil
end

local function findMessage(key, id)
  local seq = redis.call('HGET', KEYS[2], 'msg:' .. id)
  local length = redis.call('LLEN', key)
  if seq then
    local index = length - 1 - (tonumber(redis.call('GET', KEYS[3]) or 0) - tonumber(seq))
    local json = index >= 0 and redis.call('LINDEX', key, index)
    if json then
      local message = cjson.decode(json)
      if message.id == id then return index, message end
    end
    return nil
  end
  local from = tonumber(redis.call('HGET', KEYS[2], 'msg-index-from') or 0)
  local oldest = tonumber(redis.call('GET', KEYS[3]) or 0) - length + 1
  if from == 0 or from > oldest then return scanMessages(key, id) end
  return nil
end
`
