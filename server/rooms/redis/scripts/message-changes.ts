import { FIND_MESSAGE } from './find-message'

// Changes to a held message. Lua must restate the rules of
// message-changes.ts here to change a message in one step; the contract
// suite names each rule ("rule: withReactionToggled", ...) and runs it on
// every store.

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
 * prefix of a member's sent key, the sealed new text as JSON in an end-to-end
 * encrypted room ('' otherwise; with text '' it is an edit, not a delete). Mirrors withTextEdited, asTombstone (which
 * keeps a reply's threadId and a root's thread summary) and
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
if ARGV[3] == '' and ARGV[9] == '' then
  if byOwner then
    local owner = redis.call('HGET', KEYS[2], 'ownerId')
    if not owner or owner == '' or owner ~= ARGV[2] then return {'forbidden'} end
  end
  local deletedBy = nil
  if byOwner then deletedBy = 'owner' end
  message = {type = 'chat', seq = message.seq, id = message.id, roomId = message.roomId, from = message.from, text = '', at = message.at, clientId = message.clientId, deleted = true, deletedBy = deletedBy, threadId = message.threadId, thread = message.thread}
  event = {kind = 'deleted', id = ARGV[1], deletedBy = deletedBy}
else
  if byOwner then return {'forbidden'} end
  message.text = ARGV[3]
  message.editedAt = tonumber(ARGV[4])
  event = {kind = 'edited', id = ARGV[1], text = ARGV[3], editedAt = message.editedAt}
  message.cipher = nil
  if ARGV[9] ~= '' then
    message.cipher = cjson.decode(ARGV[9])
    event.cipher = message.cipher
  end
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
