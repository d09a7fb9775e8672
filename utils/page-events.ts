export interface PageEventHandlers {
  /** The browser is back online. */
  onOnline: () => void
  /** The tab has become visible. */
  onVisible: () => void
  /** The page is being hidden or unloaded, possibly for good. */
  onPageHide: () => void
}

/** Listens to the window and document events a long-lived socket cares about; returns the function that stops it. */
export function listenToPageEvents({ onOnline, onVisible, onPageHide }: PageEventHandlers): () => void {
  const onVisibilityChange = () => {
    if (document.visibilityState === 'visible') onVisible()
  }
  window.addEventListener('online', onOnline)
  window.addEventListener('pagehide', onPageHide)
  document.addEventListener('visibilitychange', onVisibilityChange)
  return () => {
    window.removeEventListener('online', onOnline)
    window.removeEventListener('pagehide', onPageHide)
    document.removeEventListener('visibilitychange', onVisibilityChange)
  }
}
