// What the store keeps of liveness: a member's last sign of life, for its
// TTL. Presence itself stays in the process that holds the sockets (issue
// 20); these run on a member's first ping and then at a slow pace.

/**
 * KEYS: members, seen, fresh. ARGV: memberId, at. The member as it was
 * before, or false. A touch at the join's own time (the join checking that
 * the member still exists) is not a sign of life after it.
 */
export const TOUCH_MEMBER = `
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then return false end
local seen = redis.call('ZSCORE', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[2], 'GT', ARGV[2], ARGV[1])
local joined = redis.call('ZSCORE', KEYS[3], ARGV[1])
if joined and tonumber(ARGV[2]) > tonumber(joined) then redis.call('ZREM', KEYS[3], ARGV[1]) end
return {json, seen}
`

/**
 * KEYS: members, seen, and the set to look in (seen, or fresh for those
 * never heard since they joined). ARGV: cutoff. Members whose score there
 * is before the cutoff, as member replies. A fresh entry whose member was
 * heard after all (its first ping's write was lost) or is gone is dropped.
 */
export const SEEN_BEFORE = `
local replies = {}
local set = KEYS[3] or KEYS[2]
local found = redis.call('ZRANGEBYSCORE', set, '-inf', '(' .. ARGV[1], 'WITHSCORES')
for i = 1, #found, 2 do
  local id = found[i]
  local json = redis.call('HGET', KEYS[1], id)
  local seen = redis.call('ZSCORE', KEYS[2], id)
  if KEYS[3] and (not json or (seen and tonumber(seen) > tonumber(found[i + 1]))) then
    redis.call('ZREM', KEYS[3], id)
  elseif json then
    table.insert(replies, {json, seen})
  end
end
return replies
`

/**
 * An instance's whole record in a room, replaced. KEYS: live. ARGV:
 * instanceId, ttlMs, memberIds... Fields are `instanceId:memberId`.
 */
export const LIVE_REPLACE = `
local prefix = ARGV[1] .. ':'
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(field, 1, #prefix) == prefix then redis.call('HDEL', KEYS[1], field) end
end
for i = 3, #ARGV do redis.call('HSET', KEYS[1], prefix .. ARGV[i], 1) end
if #ARGV > 2 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`

/** Drops the fields of instances not named. KEYS: live. ARGV: live instanceIds... */
export const LIVE_PRUNE = `
local alive = {}
for _, id in ipairs(ARGV) do alive[id] = true end
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  local cut = string.find(field, ':', 1, true)
  if not cut or not alive[string.sub(field, 1, cut - 1)] then redis.call('HDEL', KEYS[1], field) end
end
return 0
`
