export interface PageEventHandlers {
  /** The browser is back online. */
  onOnline: () => void
  /** The browser has lost its network. */
  onOffline: () => void
  /** The tab has become visible, or its window has got the focus: the user is looking. */
  onVisible: () => void
  /** The page is being hidden or unloaded, possibly for good. */
  onPageHide: () => void
}

/** Listens to the window and document events a long-lived socket cares about; returns the function that stops it. */
export function listenToPageEvents({ onOnline, onOffline, onVisible, onPageHide }: PageEventHandlers): () => void {
  const onVisibilityChange = () => {
    if (document.visibilityState === 'visible') onVisible()
  }
  window.addEventListener('online', onOnline)
  window.addEventListener('offline', onOffline)
  window.addEventListener('focus', onVisible)
  window.addEventListener('pagehide', onPageHide)
  document.addEventListener('visibilitychange', onVisibilityChange)
  return () => {
    window.removeEventListener('online', onOnline)
    window.removeEventListener('offline', onOffline)
    window.removeEventListener('focus', onVisible)
    window.removeEventListener('pagehide', onPageHide)
    document.removeEventListener('visibilitychange', onVisibilityChange)
  }
}
