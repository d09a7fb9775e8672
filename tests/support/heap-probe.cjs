// Preloaded into a server under test (node --expose-gc --require): on SIGUSR2
// it collects garbage and prints the heap in use and the open sockets, so a
// soak can tell a leak from memory the allocator merely keeps, and see that no
// socket (nor the listeners it carries) outlived its client.
process.on('SIGUSR2', () => {
  globalThis.gc?.()
  const sockets = process.getActiveResourcesInfo().filter(resource => resource === 'TCPSocketWrap').length
  console.log(`[heap-probe] heapUsed=${process.memoryUsage().heapUsed} sockets=${sockets}`)
})
