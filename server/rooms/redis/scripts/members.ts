import { ROOM_KEY_COUNT } from '../keys'

// Membership: who is in a room, under which name and token, and the bans of
// those its owner removed. ADD_MEMBER restates isNameFree (name-keys.ts) and
// KICK_MEMBER banKeysOf (bans.ts): the contract suite runs both rules
// ("rule: ...") on every store.

/**
 * KEYS: the room's keys (roomKeys().all: room, members, names, tokens, seen,
 * fresh, seq, history). ARGV: memberId, tokenHash, memberJson, maxMembers, lastSeenAt,
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
redis.call('ZADD', KEYS[6], ARGV[5], ARGV[1])
for i = 1, ${ROOM_KEY_COUNT} do redis.call('PERSIST', KEYS[i]) end
return 'added'
`

/**
 * KEYS: the room's keys (roomKeys().all), then the member's sent and sent-order.
 * ARGV: memberId, graceMs. Returns the member as it was, or nil. The
 * member's dedupe window goes with it, so no message text outlives its sender.
 */
export const REMOVE_MEMBER = `
local json = redis.call('HGET', KEYS[2], ARGV[1])
if not json then return false end
local member = cjson.decode(json)
local seen = redis.call('ZSCORE', KEYS[5], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
for _, key in ipairs(member.nameKeys or {member.nameKey}) do
  if redis.call('HGET', KEYS[3], key) == ARGV[1] then redis.call('HDEL', KEYS[3], key) end
end
redis.call('HDEL', KEYS[4], member.tokenHash)
redis.call('ZREM', KEYS[5], ARGV[1])
redis.call('ZREM', KEYS[6], ARGV[1])
redis.call('DEL', KEYS[${ROOM_KEY_COUNT + 1}], KEYS[${ROOM_KEY_COUNT + 2}])
if redis.call('HLEN', KEYS[2]) == 0 then
  for i = 1, ${ROOM_KEY_COUNT} do redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
end
return {json, seen}
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
redis.call('ZREMRANGEBYSCORE', KEYS[${ROOM_KEY_COUNT + 3}], '-inf', ARGV[4])
redis.call('ZADD', KEYS[${ROOM_KEY_COUNT + 3}], 'GT', ARGV[3], 't:' .. kicked.tokenHash)
redis.call('ZADD', KEYS[${ROOM_KEY_COUNT + 3}], 'GT', ARGV[3], 'm:' .. kicked.id)
if kicked.browserHash then redis.call('ZADD', KEYS[${ROOM_KEY_COUNT + 3}], 'GT', ARGV[3], 'b:' .. kicked.browserHash) end
if ARGV[6] == '1' and kicked.addressHash then redis.call('ZADD', KEYS[${ROOM_KEY_COUNT + 3}], 'GT', ARGV[3], 'n:' .. kicked.addressHash) end
local over = redis.call('ZCARD', KEYS[${ROOM_KEY_COUNT + 3}]) - tonumber(ARGV[5])
if over > 0 then redis.call('ZPOPMIN', KEYS[${ROOM_KEY_COUNT + 3}], over) end
redis.call('PEXPIRE', KEYS[${ROOM_KEY_COUNT + 3}], math.max(1, tonumber(redis.call('ZRANGE', KEYS[${ROOM_KEY_COUNT + 3}], -1, -1, 'WITHSCORES')[2]) - tonumber(ARGV[4])))
` + REMOVE_MEMBER + `
`

/** KEYS: tokens, members, seen. ARGV: tokenHash. */
export const FIND_BY_TOKEN = `
local id = redis.call('HGET', KEYS[1], ARGV[1])
if not id then return false end
local json = redis.call('HGET', KEYS[2], id)
if not json then return false end
return {json, redis.call('ZSCORE', KEYS[3], id)}
`

/**
 * A member proved its name (tripcode.ts): its token hash is replaced. KEYS:
 * members, tokens, seen. ARGV: memberId, new tokenHash. Returns the
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
return {json, redis.call('ZSCORE', KEYS[3], ARGV[1])}
`
