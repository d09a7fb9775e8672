import { log } from '../log'
import { storeOpTook } from './counts'

/** A store operation slower than this is logged (`slow_store_op`), whatever NUXT_LOG_LEVEL hides below warn. */
export const SLOW_STORE_OP_MS = 250

/**
 * The room store as the hub sees it, with each asynchronous operation timed:
 * into `heartbeat_store_seconds{op}` while metrics are on, and into the log
 * when it is slow. One wrapper, so that no store (memory, SQLite, Redis)
 * repeats it; synchronous calls (health, errors) pass through untouched.
 */
export function timedStore<T extends object>(store: T): T {
  const wrapped = new Map<PropertyKey, unknown>()
  return new Proxy(store, {
    get(target, op) {
      const value = Reflect.get(target, op, target) as unknown
      if (typeof value !== 'function') return value
      let timed = wrapped.get(op)
      if (!timed) {
        timed = (...args: unknown[]) => {
          const started = performance.now()
          const result = (value as (...args: unknown[]) => unknown).apply(target, args)
          if (!(result instanceof Promise)) return result
          const done = () => {
            const ms = performance.now() - started
            storeOpTook(String(op), ms / 1000)
            if (ms > SLOW_STORE_OP_MS) log('slow_store_op', `a store operation took ${Math.round(ms)} ms`, { op: String(op), ms: Math.round(ms) }, 'warn')
          }
          result.then(done, done)
          return result
        }
        wrapped.set(op, timed)
      }
      return timed
    },
  })
}
