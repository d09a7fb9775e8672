import unhomoglyph from 'unhomoglyph'

const INVISIBLE = /\p{Default_Ignorable_Code_Point}/gu

/** The TR39 skeleton: NFD, no default-ignorable characters, each confusable mapped to its prototype, NFD again. */
function skeleton(text: string): string {
  return unhomoglyph(text.normalize('NFD').replace(INVISIBLE, '')).normalize('NFD')
}

/**
 * The keys under which a member holds its name in a room; a name is taken
 * when either of its keys is. One is the confusable skeleton of the name as
 * written ("aIice" with a capital I looks like "alice"), the other the
 * skeleton of the lower-cased name ("ALICE" and "аlice" with a Cyrillic а are
 * "alice"). One key cannot do both: capital I is "i" to case and "l" to the eye.
 * Server-side only: the confusables table is 100 KB.
 */
export function nameKeys(name: string): string[] {
  return [`glyph:${skeleton(name)}`, `case:${skeleton(name.toLowerCase()).toLowerCase()}`]
}
