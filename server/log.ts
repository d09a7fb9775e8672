/**
 * The server's one log function, imported by the room core as well as by
 * Nitro's plugins and routes: it imports only pino, so `server/rooms/` stays
 * free of Nitro.
 *
 * `event` names what happened in a few stable words (`redis_unavailable`,
 * `shutdown`), `message` says it to an operator, `fields` carry the values a
 * program would filter on. Never a token, password, message text, file name,
 * member name or the id of an unlisted room (docs/deploy.md, "Logs").
 *
 * Each line is one JSON object, `{ level, time, event, ...fields, msg }`
 * (NUXT_LOG_FORMAT=json, the default of the built server), or pino-pretty's
 * coloured line (NUXT_LOG_FORMAT=pretty, the default under `nuxt dev`).
 * Read from the environment rather than runtimeConfig: the log is written
 * before Nitro has started, and by the room core that does not know Nitro.
 */
import pino from 'pino'
import type { DestinationStream, Level } from 'pino'
import pretty from 'pino-pretty'

export type LogFields = Readonly<Record<string, string | number | boolean>>

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export type LogFunction = (event: string, message: string, fields?: LogFields, level?: LogLevel) => void

export interface LogSettings {
  /** NUXT_LOG_FORMAT: 'json' or 'pretty'. */
  format: 'json' | 'pretty'
  /** NUXT_LOG_LEVEL: pino's levels, 'trace' the most verbose, 'silent' none. */
  level: Level | 'silent'
}

const LEVELS: ReadonlyArray<LogSettings['level']> = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']

/** The settings the environment asks for; an unknown value falls back to the default rather than stopping the start. */
export function logSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): LogSettings {
  const level = LEVELS.find(known => known === env.NUXT_LOG_LEVEL) ?? 'info'
  const format = env.NUXT_LOG_FORMAT === 'json' || env.NUXT_LOG_FORMAT === 'pretty'
    ? env.NUXT_LOG_FORMAT
    : env.NODE_ENV === 'production' ? 'json' : 'pretty'
  return { format, level }
}

/**
 * A log function writing to `out` (info and below) and `err` (warn and
 * above: what an operator must see even when stdout goes nowhere), both
 * synchronously, so the last lines before an exit are never lost. pino-pretty
 * runs as a stream in this thread: a worker transport would have to be found
 * by file name at run time, which Nitro's bundle does not keep.
 */
export function createLog(settings: LogSettings, out: NodeJS.WritableStream | number = 1, err: NodeJS.WritableStream | number = 2): LogFunction {
  const sink = (target: NodeJS.WritableStream | number): DestinationStream => {
    if (settings.format === 'pretty') return pretty({ destination: target, sync: true, colorize: typeof target === 'number' && process.stdout.isTTY, ignore: 'pid,hostname' })
    return typeof target === 'number' ? pino.destination({ dest: target, sync: true }) : target as DestinationStream
  }
  const logger = pino({
    level: settings.level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: label => ({ level: label }) },
  }, pino.multistream([
    { level: 'trace', stream: sink(out) },
    { level: 'warn', stream: sink(err) },
  ], { dedupe: true }))
  // `event` goes last so that no field can overwrite it.
  return (event, message, fields, level = 'info') => logger[level]({ ...fields, event }, message)
}

let serverLog: LogFunction | undefined

export function log(event: string, message: string, fields?: LogFields, level: LogLevel = 'info'): void {
  serverLog ??= createLog(logSettingsFromEnv())
  serverLog(event, message, fields, level)
}

/**
 * What the room core and the file service are given: they log a message,
 * and name the event where an operator would alert on it (`store_degraded`).
 */
export type CoreLog = (message: string, event?: string, fields?: LogFields, level?: LogLevel) => void
