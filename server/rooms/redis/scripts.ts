// Lua run inside Redis, so that each step that must be atomic across
// instances is one command. Every room key carries the room id in braces (a
// Redis Cluster hash tag), so a room's keys share a slot; see docs/deploy.md.

/**
 * KEYS: room, rooms. ARGV: id, maxRooms, graceMs, then the room's fields as
 * name, value pairs (ROOM_FIELDS). Returns {created (1, 0, or -1 when the
 * server is full), the stored values of ROOM_FIELDS}.
 */
export const ENSURE_ROOM = `
if redis.call('EXISTS', KEYS[1]) == 1 then
  local names = {}
  for i = 4, #ARGV, 2 do table.insert(names, ARGV[i]) end
  return {0, redis.call('HMGET', KEYS[1], unpack(names))}
end
if redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[2]) then return {-1} end
local values = {}
for i = 4, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  table.insert(values, ARGV[i + 1])
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('SADD', KEYS[2], ARGV[1])
return {1, values}
`

/**
 * The private room id of a pair of the origin room's members: the one it
 * has, or the candidate, remembered in the origin room's hash (and gone with
 * it). KEYS: origin room. ARGV: field, candidate id.
 */
export const PAIR_ROOM = `
if redis.call('EXISTS', KEYS[1]) == 0 then return ARGV[2] end
redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
return redis.call('HGET', KEYS[1], ARGV[1])
`

/**
 * ENSURE_ROOM for a private room, whose ARGV go on after the fields with
 * the seats' new token hashes (memberId, tokenHash pairs) and how many a seat
 * keeps. An existing private room gets the token hashes added to its seats
 * (a seat keeps its newest). Returns as ENSURE_ROOM does.
 */
export const ENSURE_PRIVATE_ROOM = `
local fields = 12
if redis.call('EXISTS', KEYS[1]) == 1 then
  local json = redis.call('HGET', KEYS[1], 'private')
  if not json or json == '' then return {-2} end
  local private = cjson.decode(json)
  local keep = tonumber(ARGV[#ARGV])
  for _, seat in ipairs(private.seats) do
    for i = 4 + fields, #ARGV - 1, 2 do
      if seat.memberId == ARGV[i] then table.insert(seat.tokenHashes, ARGV[i + 1]) end
    end
    while #seat.tokenHashes > keep do table.remove(seat.tokenHashes, 1) end
  end
  redis.call('HSET', KEYS[1], 'private', cjson.encode(private))
  local names = {}
  for i = 4, 3 + fields, 2 do table.insert(names, ARGV[i]) end
  return {0, redis.call('HMGET', KEYS[1], unpack(names))}
end
if redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[2]) then return {-1} end
local values = {}
for i = 4, 3 + fields, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  table.insert(values, ARGV[i + 1])
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('SADD', KEYS[2], ARGV[1])
return {1, values}
`

/**
 * KEYS: the room's 8 keys (room, members, names, tokens, seen, offline, seq,
 * history). ARGV: memberId, tokenHash, memberJson, maxMembers, lastSeenAt,
 * then the name's keys. A name key held by a member, online or not, makes
 * the name taken (isNameFree in name-keys.ts); so does an id that is a
 * member already (a private room's seat, joined twice at once).
 */
export const ADD_MEMBER = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'no-room' end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return 'name-taken' end
for i = 6, #ARGV do
  local holder = redis.call('HGET', KEYS[3], ARGV[i])
  if holder and redis.call('HEXISTS', KEYS[2], holder) == 1 then return 'name-taken' end
end
if redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[4]) then return 'room-full' end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
for i = 6, #ARGV do redis.call('HSET', KEYS[3], ARGV[i], ARGV[1]) end
redis.call('HSET', KEYS[4], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[5], ARGV[5], ARGV[1])
for i = 1, 8 do redis.call('PERSIST', KEYS[i]) end
return 'added'
`

/**
 * KEYS: the room's 8 keys, then the member's holders, sent and sent-order.
 * ARGV: memberId, graceMs. Returns the member as it was, or nil. The
 * member's dedupe window goes with it, so no message text outlives its sender.
 */
export const REMOVE_MEMBER = `
local json = redis.call('HGET', KEYS[2], ARGV[1])
if not json then return false end
local member = cjson.decode(json)
local seen = redis.call('ZSCORE', KEYS[5], ARGV[1])
local offline = redis.call('SREM', KEYS[6], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
for _, key in ipairs(member.nameKeys or {member.nameKey}) do
  if redis.call('HGET', KEYS[3], key) == ARGV[1] then redis.call('HDEL', KEYS[3], key) end
end
redis.call('HDEL', KEYS[4], member.tokenHash)
redis.call('ZREM', KEYS[5], ARGV[1])
redis.call('DEL', KEYS[9], KEYS[10], KEYS[11])
if redis.call('HLEN', KEYS[2]) == 0 then
  for i = 1, 8 do redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
end
return {json, seen, offline}
`

/**
 * The owner removed a member. KEYS: those of REMOVE_MEMBER, then the room's
 * bans (a sorted set: ban key by until). ARGV: memberId, graceMs, until, now,
 * maxBans, '1' to block the member's network too. Mirrors banKeysOf
 * (bans.ts): bans the member's token hash, its seat (id) and its browser
 * hash, and with the block its network's hash, and removes the member in
 * one step. The bans key lives until its last ban ends, whatever happens to
 * the room meanwhile.
 */
export const KICK_MEMBER = `
local json = redis.call('HGET', KEYS[2], ARGV[1])
if not json then return false end
local kicked = cjson.decode(json)
redis.call('ZREMRANGEBYSCORE', KEYS[12], '-inf', ARGV[4])
redis.call('ZADD', KEYS[12], 'GT', ARGV[3], 't:' .. kicked.tokenHash)
redis.call('ZADD', KEYS[12], 'GT', ARGV[3], 'm:' .. kicked.id)
if kicked.browserHash then redis.call('ZADD', KEYS[12], 'GT', ARGV[3], 'b:' .. kicked.browserHash) end
if ARGV[6] == '1' and kicked.addressHash then redis.call('ZADD', KEYS[12], 'GT', ARGV[3], 'n:' .. kicked.addressHash) end
local over = redis.call('ZCARD', KEYS[12]) - tonumber(ARGV[5])
if over > 0 then redis.call('ZPOPMIN', KEYS[12], over) end
redis.call('PEXPIRE', KEYS[12], math.max(1, tonumber(redis.call('ZRANGE', KEYS[12], -1, -1, 'WITHSCORES')[2]) - tonumber(ARGV[4])))
` + REMOVE_MEMBER + `
`

/**
 * A heartbeat. KEYS: members, seen, offline, holders. ARGV: memberId, at,
 * instanceId, holderTtlMs. The holders set says which instances hold a socket
 * of the member, each with its last heartbeat, so a dead instance ages out.
 */
export const TOUCH_MEMBER = `
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then return false end
local seen = redis.call('ZSCORE', KEYS[2], ARGV[1])
local offline = redis.call('SREM', KEYS[3], ARGV[1])
redis.call('ZADD', KEYS[2], 'GT', ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[4], ARGV[4])
return {json, seen, offline}
`

/** KEYS: members, seen, offline, holders. ARGV: memberId. */
export const MARK_OFFLINE = `
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then return false end
local seen = redis.call('ZSCORE', KEYS[2], ARGV[1])
local added = redis.call('SADD', KEYS[3], ARGV[1])
redis.call('DEL', KEYS[4])
return {json, seen, 1 - added}
`

/**
 * This instance holds no socket of the member any more. KEYS: members, seen,
 * offline, holders. ARGV: memberId, instanceId, now, windowMs. Offline only
 * when no instance has heartbeated the member within the window.
 */
export const RELEASE_MEMBER = `
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then return false end
local seen = redis.call('ZSCORE', KEYS[2], ARGV[1])
local wasOffline = redis.call('SISMEMBER', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', '(' .. (tonumber(ARGV[3]) - tonumber(ARGV[4])))
local nowOffline = 0
if redis.call('ZCARD', KEYS[4]) == 0 then
  redis.call('SADD', KEYS[3], ARGV[1])
  nowOffline = 1
end
return {json, seen, wasOffline, nowOffline}
`

/** KEYS: tokens, members, seen, offline. ARGV: tokenHash. */
export const FIND_BY_TOKEN = `
local id = redis.call('HGET', KEYS[1], ARGV[1])
if not id then return false end
local json = redis.call('HGET', KEYS[2], id)
if not json then return false end
return {json, redis.call('ZSCORE', KEYS[3], id), redis.call('SISMEMBER', KEYS[4], id)}
`

/**
 * A member proved its name (tripcode.ts): its token hash is replaced. KEYS:
 * members, tokens, seen, offline. ARGV: memberId, new tokenHash. Returns the
 * member as it is now, or nil.
 */
export const REPLACE_TOKEN = `
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then return false end
local member = cjson.decode(json)
redis.call('HDEL', KEYS[2], member.tokenHash)
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
member.tokenHash = ARGV[2]
json = cjson.encode(member)
redis.call('HSET', KEYS[1], ARGV[1], json)
return {json, redis.call('ZSCORE', KEYS[3], ARGV[1]), redis.call('SISMEMBER', KEYS[4], ARGV[1])}
`

/**
 * KEYS: room, seq, history, members, the sender's sent and sent-order.
 * ARGV: message JSON without seq, historyLimit, channel, senderId, clientId
 * ('' for none), clientIdsPerMember, messageId, the id the message replies to
 * ('' for none: 'replies:<id>' in the room's hash lists the seqs of the
 * replies to a held message, for CHANGE_MESSAGE). Returns {-1} when the room is gone,
 * {-2} when the sender is no longer a member, {1, original} for a clientId
 * the sender used within its last clientIdsPerMember, else {0, message}.
 * The seq is spliced in front of the JSON, and the message is published in
 * the same step, so every instance hears a room's messages in seq order.
 */
export const APPEND_MESSAGE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {-1} end
if redis.call('HEXISTS', KEYS[4], ARGV[4]) == 0 then return {-2} end
if ARGV[5] ~= '' then
  local original = redis.call('HGET', KEYS[5], ARGV[5])
  if original then return {1, original} end
end
local seq = redis.call('INCR', KEYS[2])
local message = '{"seq":' .. seq .. ',' .. string.sub(ARGV[1], 2)
redis.call('RPUSH', KEYS[3], message)
-- The id index (findMessage) lives in the room's hash, so it goes with the room.
redis.call('HSETNX', KEYS[1], 'msg-index-from', seq)
redis.call('HSET', KEYS[1], 'msg:' .. ARGV[7], seq)
if ARGV[8] ~= '' then
  local replies = redis.call('HGET', KEYS[1], 'replies:' .. ARGV[8])
  redis.call('HSET', KEYS[1], 'replies:' .. ARGV[8], replies and (replies .. ',' .. seq) or seq)
end
for _ = 1, redis.call('LLEN', KEYS[3]) - tonumber(ARGV[2]) do
  local dropped = cjson.decode(redis.call('LPOP', KEYS[3])).id
  redis.call('HDEL', KEYS[1], 'msg:' .. dropped, 'replies:' .. dropped)
end
if ARGV[5] ~= '' then
  redis.call('HSET', KEYS[5], ARGV[5], message)
  if redis.call('RPUSH', KEYS[6], ARGV[5]) > tonumber(ARGV[6]) then
    redis.call('HDEL', KEYS[5], redis.call('LPOP', KEYS[6]))
  end
end
redis.call('PUBLISH', ARGV[3], '{"kind":"chat","message":' .. message .. '}')
return {0, message}
`

/** KEYS: room. ARGV: title. 0 when the room is gone (a rename must not bring back a bare hash). */
export const SET_TITLE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'title', ARGV[1])
return 1
`

/** KEYS: the room's 8 keys, then rooms. ARGV: roomId. */
export const DELETE_ROOM_IF_EMPTY = `
if redis.call('HLEN', KEYS[2]) > 0 then return 0 end
for i = 1, 8 do redis.call('DEL', KEYS[i]) end
redis.call('SREM', KEYS[9], ARGV[1])
return 1
`

/**
 * KEYS: members, seen, offline. ARGV: since ('-inf' for any), cutoff, '1' to
 * add every member marked offline. Members last seen in [since, cutoff) (and
 * the offline ones), as member replies.
 */
export const SILENT_MEMBERS = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], ARGV[1], '(' .. ARGV[2])
if ARGV[3] == '1' then
  for _, id in ipairs(redis.call('SMEMBERS', KEYS[3])) do table.insert(ids, id) end
end
local seen = {}
local replies = {}
for _, id in ipairs(ids) do
  if not seen[id] then
    seen[id] = true
    local json = redis.call('HGET', KEYS[1], id)
    if json then
      table.insert(replies, {json, redis.call('ZSCORE', KEYS[2], id), redis.call('SISMEMBER', KEYS[3], id)})
    end
  end
end
return replies
`

// Finds a held message by id: one HGET of its seq in the room's hash
// ('msg:' .. id, written by APPEND_MESSAGE) and one LINDEX, since held seqs
// are consecutive and end at the room's seq. Only messages posted before
// the index existed (a room older than it: 'msg-index-from' missing or past
// the oldest held) are looked for the old way, newest first, 50 at a time.
// KEYS of every caller start with history, room, seq.
const FIND_MESSAGE = `
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

/** KEYS: history, room, seq. ARGV: messageId. The message JSON, or nil. */
export const GET_MESSAGE = `${FIND_MESSAGE}
local index = findMessage(KEYS[1], ARGV[1])
if not index then return false end
return redis.call('LINDEX', KEYS[1], index)
`

/**
 * KEYS: history. ARGV: beforeSeq, limit. Held seqs are consecutive, so the
 * page is one LRANGE from the oldest's seq. Returns {hasMore, json...}.
 */
export const MESSAGES_BEFORE = `
local first = redis.call('LINDEX', KEYS[1], 0)
if not first then return {0} end
local oldest = cjson.decode(first).seq
local stop = math.min(redis.call('LLEN', KEYS[1]), tonumber(ARGV[1]) - oldest) - 1
if stop < 0 then return {0} end
local start = math.max(0, stop - tonumber(ARGV[2]) + 1)
local page = redis.call('LRANGE', KEYS[1], start, stop)
table.insert(page, 1, start > 0 and 1 or 0)
return page
`

/**
 * KEYS: history, room, seq. ARGV: messageId, memberId, emoji, emojiPerMessage,
 * reactionsPerMessage, channel. Mirrors withReactionToggled
 * (message-changes.ts). Returns {'ok', json} or {refusal}.
 */
export const TOGGLE_REACTION = `${FIND_MESSAGE}
local index, message = findMessage(KEYS[1], ARGV[1])
if not index or message.deleted then return {'not-found'} end
local reactions = message.reactions or {}
local ids = reactions[ARGV[3]]
local found
for i, id in ipairs(ids or {}) do if id == ARGV[2] then found = i end end
if found then
  table.remove(ids, found)
  if #ids == 0 then reactions[ARGV[3]] = nil end
else
  local kinds, entries = 0, 0
  for _, members in pairs(reactions) do
    kinds = kinds + 1
    entries = entries + #members
  end
  if (not ids and kinds >= tonumber(ARGV[4])) or entries >= tonumber(ARGV[5]) then return {'too-many-reactions'} end
  if not ids then
    ids = {}
    reactions[ARGV[3]] = ids
  end
  table.insert(ids, ARGV[2])
end
if next(reactions) == nil then message.reactions = nil else message.reactions = reactions end
local json = cjson.encode(message)
redis.call('LSET', KEYS[1], index, json)
redis.call('PUBLISH', ARGV[6], cjson.encode({kind = 'reaction', id = ARGV[1], emoji = ARGV[3], memberId = ARGV[2], on = not found}))
return {'ok', json}
`

/**
 * KEYS: history, room, seq, the author's sent. ARGV: messageId, memberId,
 * text ('' to delete), editedAt, channel, the author's id as the caller read
 * it, the excerpt replies quote of the changed message (quoteExcerptOf), the
 * prefix of a member's sent key. Mirrors withTextEdited, asTombstone and
 * withQuoteOf (message-changes.ts): an edit is the author's, a delete the
 * author's or the room owner's. The author's dedupe window gets the new copy,
 * and so do the replies quoting it and their authors' windows, so no old
 * words stay anywhere. (The repliers' sent keys are named here, not passed:
 * they share the room's hash slot.)
 */
export const CHANGE_MESSAGE = `${FIND_MESSAGE}
local index, message = findMessage(KEYS[1], ARGV[1])
if not index or message.deleted then return {'not-found'} end
local byOwner = message.from.id ~= ARGV[2]
local event
if ARGV[3] == '' then
  if byOwner then
    local owner = redis.call('HGET', KEYS[2], 'ownerId')
    if not owner or owner == '' or owner ~= ARGV[2] then return {'forbidden'} end
  end
  local deletedBy = nil
  if byOwner then deletedBy = 'owner' end
  message = {type = 'chat', seq = message.seq, id = message.id, roomId = message.roomId, from = message.from, text = '', at = message.at, clientId = message.clientId, deleted = true, deletedBy = deletedBy}
  event = {kind = 'deleted', id = ARGV[1], deletedBy = deletedBy}
else
  if byOwner then return {'forbidden'} end
  message.text = ARGV[3]
  message.editedAt = tonumber(ARGV[4])
  event = {kind = 'edited', id = ARGV[1], text = ARGV[3], editedAt = message.editedAt}
end
local json = cjson.encode(message)
redis.call('LSET', KEYS[1], index, json)
if message.clientId and message.from.id == ARGV[6] and redis.call('HEXISTS', KEYS[4], message.clientId) == 1 then
  redis.call('HSET', KEYS[4], message.clientId, json)
end
local quoters = redis.call('HGET', KEYS[2], 'replies:' .. ARGV[1])
if quoters then
  local length = redis.call('LLEN', KEYS[1])
  local last = tonumber(redis.call('GET', KEYS[3]) or 0)
  for quoterSeq in string.gmatch(quoters, '[^,]+') do
    local at = length - 1 - (last - tonumber(quoterSeq))
    local quoterJson = at >= 0 and redis.call('LINDEX', KEYS[1], at)
    if quoterJson then
      local reply = cjson.decode(quoterJson)
      if reply.replyTo and reply.replyTo.id == ARGV[1] then
        reply.replyTo.excerpt = ARGV[7]
        if message.deleted then reply.replyTo.deleted = true end
        local replyJson = cjson.encode(reply)
        redis.call('LSET', KEYS[1], at, replyJson)
        local sentKey = ARGV[8] .. reply.from.id
        if reply.clientId and redis.call('HEXISTS', sentKey, reply.clientId) == 1 then
          redis.call('HSET', sentKey, reply.clientId, replyJson)
        end
      end
    end
  end
end
redis.call('PUBLISH', ARGV[5], cjson.encode(event))
return {'ok', json}
`
