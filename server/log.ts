/**
 * The server's one log function, imported by the room core as well as by
 * Nitro's plugins and routes: it imports nothing, so `server/rooms/` stays
 * free of Nitro.
 *
 * `event` names what happened in a few stable words (`redis_unavailable`,
 * `shutdown`), `message` says it to an operator, `fields` carry the values a
 * program would filter on. Never a token, password, message text or name.
 * Today a line is `[heartbeat] <message>` (operators and docs/deploy.md grep
 * for those), with the fields as JSON after it; issue 21 makes it one JSON
 * line through pino, `{ level, event, ...fields, msg: message }`, and only
 * this body changes.
 */
export type LogFields = Readonly<Record<string, string | number | boolean>>

export type LogLevel = 'info' | 'error'

export function log(event: string, message: string, fields?: LogFields, level: LogLevel = 'info'): void {
  const line = fields && Object.keys(fields).length > 0 ? `[heartbeat] ${message} ${JSON.stringify(fields)}` : `[heartbeat] ${message}`
  if (level === 'error') console.error(line)
  else console.log(line)
}
