// Liveness: when each member was last heard and by which instances, and
// whether it is offline. Apart from membership because it is to leave Redis
// for the process that holds the sockets (issue 20).

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
