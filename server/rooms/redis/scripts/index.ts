// Lua run inside Redis, so that each step that must be atomic across
// instances is one command, by area. Every room key carries the room id in
// braces (a Redis Cluster hash tag), so a room's keys share a slot; see
// docs/deploy.md. A script's KEYS count is the length of the key list its
// caller passes (RedisLink.run), never a literal.

export { ADMIT_ROOM, ENSURE_PRIVATE_ROOM, ENSURE_ROOM, DELETE_ROOM_IF_EMPTY, PAIR_ROOM, SET_TITLE } from './rooms'
export { ADD_MEMBER, FIND_BY_TOKEN, KICK_MEMBER, REMOVE_MEMBER, REPLACE_TOKEN } from './members'
export { LIVE_PRUNE, LIVE_REPLACE, SEEN_BEFORE, TOUCH_MEMBER } from './liveness'
export { APPEND_MESSAGE, GET_MESSAGE, MESSAGES_BEFORE, TIMELINE_BEFORE } from './messages'
export { CHANGE_MESSAGE, TOGGLE_REACTION } from './message-changes'
export { CHANGE_PIN, SET_SLOW_MODE } from './conversation'
