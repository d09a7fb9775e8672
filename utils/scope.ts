import { getCurrentScope, onScopeDispose } from 'vue'

/** Runs `stop` when the calling effect scope ends; outside a scope (a plain test) the caller stops by hand. Modelled on VueUse's helper of the same name. */
export function tryOnScopeDispose(stop: () => void): boolean {
  if (!getCurrentScope()) return false
  onScopeDispose(stop)
  return true
}
