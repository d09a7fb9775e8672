// What the store keeps of liveness: a member's last sign of life, for its
// TTL. Presence itself stays in the process that holds the sockets (issue
// 20); these run on a member's first ping and then at a slow pace.

/** KEYS: members, seen. ARGV: memberId, at. The member as it was before, or false. */
export const TOUCH_MEMBER = `
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then return false end
local seen = redis.call('ZSCORE', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[2], 'GT', ARGV[2], ARGV[1])
return {json, seen}
`

/**
 * KEYS: members, seen. ARGV: since ('-inf' for any), cutoff. Members last
 * seen in [since, cutoff), as member replies.
 */
export const SEEN_BEFORE = `
local replies = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], ARGV[1], '(' .. ARGV[2])) do
  local json = redis.call('HGET', KEYS[1], id)
  if json then table.insert(replies, {json, redis.call('ZSCORE', KEYS[2], id)}) end
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
