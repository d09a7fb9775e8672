const roomIdAlphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'

/** A fresh room id of `length` lower-case letters and digits. */
export function randomRoomId(length = 8): string {
  // Room ids are how people find an unprotected room, so draw them without modulo
  // bias: bytes at or above the largest multiple of the alphabet size are redrawn.
  const limit = 256 - (256 % roomIdAlphabet.length)
  let id = ''
  while (id.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length))) {
      if (byte < limit && id.length < length) id += roomIdAlphabet[byte % roomIdAlphabet.length]
    }
  }
  return id
}
