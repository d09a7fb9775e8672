import { FIND_MESSAGE } from './find-message'

// The history: appending (seq, dedupe window, trim, publish in one step) and
// reading pages and single messages.

/**
 * KEYS: room, seq, history, members, the sender's sent and sent-order, the
 * sender's slow-mode turn (conversation-settings.ts slowTurnKey).
 * ARGV: message JSON without seq, historyLimit, channel, senderId, clientId
 * ('' for none), clientIdsPerMember, messageId, the id the message replies to
 * ('' for none: 'replies:<id>' in the room's hash lists the seqs of the
 * replies to a held message, for CHANGE_MESSAGE), the thread's root id (''
 * for a message of the main timeline), the message's `at`. Returns {-1} when the room is gone,
 * {-2} when the sender is no longer a member, {1, original} for a clientId
 * the sender used within its last clientIdsPerMember, {-3, ms to wait} for a
 * message slow mode holds back (slowModeWaitMs: the turn is a key that
 * expires when it ends; the owner has none), {-4} for a thread reply whose
 * root may not hold it, else {0, message}. Mirrors threads.ts: mayHoldThread
 * (the root held, not a reply, not a tombstone) and withReplyCounted (the
 * summary is a field of the root's own entry, so it goes with the root and
 * is bounded by the history's cap like everything else).
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
local root, rootIndex
if ARGV[9] ~= '' then
  local rootSeq = redis.call('HGET', KEYS[1], 'msg:' .. ARGV[9])
  if rootSeq then
    rootIndex = redis.call('LLEN', KEYS[3]) - 1 - (tonumber(redis.call('GET', KEYS[2]) or 0) - tonumber(rootSeq))
    local json = rootIndex >= 0 and redis.call('LINDEX', KEYS[3], rootIndex)
    if json then root = cjson.decode(json) end
  end
  if not root or root.id ~= ARGV[9] or root.threadId or root.deleted then return {-4} end
end
local slow = tonumber(redis.call('HGET', KEYS[1], 'slowMode') or '0')
if slow > 0 and redis.call('HGET', KEYS[1], 'ownerId') ~= ARGV[4] then
  if not redis.call('SET', KEYS[7], '1', 'PX', slow * 1000, 'NX') then
    return {-3, math.max(1, redis.call('PTTL', KEYS[7]))}
  end
end
local seq = redis.call('INCR', KEYS[2])
local message = '{"seq":' .. seq .. ',' .. string.sub(ARGV[1], 2)
redis.call('RPUSH', KEYS[3], message)
if root then
  local thread = root.thread or {replyCount = 0, lastReplyAt = 0}
  root.thread = {replyCount = thread.replyCount + 1, lastReplyAt = math.max(thread.lastReplyAt, tonumber(ARGV[10]))}
  redis.call('LSET', KEYS[3], rootIndex, cjson.encode(root))
end
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
 * KEYS: history. ARGV: beforeSeq, limit, threadId ('' for the main
 * timeline). Mirrors threads.ts timelinePage: the newest `limit` entries of
 * the timeline before beforeSeq (inTimeline: the main one leaves thread
 * replies out; a thread's holds its replies only), read back from beforeSeq
 * 100 at a time. The scan is bounded by the list, which the history's cap
 * bounds; only entries that name a thread are decoded. Returns {hasMore, json...}, oldest first.
 */
export const TIMELINE_BEFORE = `
local first = redis.call('LINDEX', KEYS[1], 0)
if not first then return {0} end
local hi = math.min(redis.call('LLEN', KEYS[1]), tonumber(ARGV[1]) - cjson.decode(first).seq) - 1
local limit = tonumber(ARGV[2])
local found = {}
while hi >= 0 do
  local lo = math.max(0, hi - 99)
  local items = redis.call('LRANGE', KEYS[1], lo, hi)
  for i = #items, 1, -1 do
    local threadId = ''
    if string.find(items[i], '"threadId":', 1, true) then threadId = cjson.decode(items[i]).threadId or '' end
    if threadId == ARGV[3] then
      if #found == limit then
        local page = {1}
        for j = #found, 1, -1 do table.insert(page, found[j]) end
        return page
      end
      table.insert(found, items[i])
    end
  end
  hi = lo - 1
end
local page = {0}
for j = #found, 1, -1 do table.insert(page, found[j]) end
return page
`
