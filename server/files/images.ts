import sharp from 'sharp'
import type { Metadata, Sharp } from 'sharp'

/** Pixels an image may have: a 12-megapixel photo decodes to 48 MB; a small file that claims 100,000 x 100,000 is refused before it is decoded. */
export const MAX_IMAGE_PIXELS = 50_000_000
/** The thumbnail fits in this square; the page reserves the image's size from width and height. */
export const THUMB_SIZE = 320

// One libvips thread per image: the server has other work, and images are
// made one (or a few) at a time anyway (ImageGate).
sharp.concurrency(1)
// libvips' own cache would keep decoded images around for nothing.
sharp.cache(false)

/** The image formats served as images (file-kinds.ts); defined here so the benchmark can compile this file alone. */
export type ImageType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp' | 'image/avif'

export class ImageRefused extends Error {}

export interface MadeImage { width: number, height: number }

/**
 * Writes the image as served (same format, EXIF orientation applied, every
 * metadata block left out: no GPS, no camera serial) and its thumbnail (WebP).
 * An animated GIF or WebP keeps its frames; its thumbnail is the first one.
 */
export async function makeImage(source: string, type: ImageType, servedPath: string, thumbPath: string): Promise<MadeImage> {
  const options = { limitInputPixels: MAX_IMAGE_PIXELS, animated: type === 'image/gif' || type === 'image/webp' }
  let metadata: Metadata
  try {
    // Only the header is read here; the limit below says why an image is refused.
    metadata = await sharp(source, { ...options, limitInputPixels: false }).metadata()
  }
  catch (error) {
    throw new ImageRefused(`the image could not be read: ${error instanceof Error ? error.message : String(error)}`)
  }
  const pages = metadata.pages ?? 1
  const frameHeight = metadata.pageHeight ?? metadata.height ?? 0
  // Judged from the header, before anything is decoded: a frame past the limit, or an animation of many frames past four times it.
  const framePixels = (metadata.width ?? 0) * frameHeight
  if (framePixels > MAX_IMAGE_PIXELS || framePixels * pages > MAX_IMAGE_PIXELS * 4) throw new ImageRefused(`images are limited to ${MAX_IMAGE_PIXELS / 1e6} megapixels`)
  try {
    // Rotating by EXIF only applies to still images; frames of an animation carry no EXIF.
    const served = pages > 1 ? sharp(source, options) : sharp(source, options).autoOrient()
    const encoded = encodeAs(served, type)
    const info = await encoded.toFile(servedPath)
    await makeThumbnail(source, thumbPath)
    return { width: info.width, height: pages > 1 ? (info.pageHeight ?? frameHeight) : info.height }
  }
  catch (error) {
    throw new ImageRefused(`the image could not be read: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/** The first frame, turned by EXIF, fit in THUMB_SIZE (a JPEG is shrunk while it is decoded, which makes this fast). */
export async function makeThumbnail(source: string, thumbPath: string): Promise<void> {
  await sharp(source, { limitInputPixels: MAX_IMAGE_PIXELS })
    .autoOrient()
    .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 70 })
    .toFile(thumbPath)
}

// Without withMetadata() sharp writes no EXIF, XMP or IPTC: that is the point.
function encodeAs(image: Sharp, type: ImageType): Sharp {
  switch (type) {
    case 'image/jpeg': return image.jpeg({ quality: 88 })
    case 'image/png': return image.png()
    case 'image/gif': return image.gif()
    case 'image/webp': return image.webp({ quality: 85 })
    // AVIF encoding is slow; effort 2 keeps a photo to about a second.
    case 'image/avif': return image.avif({ quality: 60, effort: 2 })
  }
}

/**
 * Images are made one at a time (decoding a photo takes tens of megabytes and
 * most of a core), with a bounded queue: past it the upload gets 429/503
 * rather than a pile of decodes.
 */
export class ImageGate {
  private running = 0
  private readonly waiting: Array<() => void> = []

  constructor(private readonly concurrency = 1, private readonly queueLimit = 16) {}

  /** Undefined when the queue is full. */
  async run<T>(job: () => Promise<T>): Promise<T | undefined> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queueLimit) return undefined
      await new Promise<void>(resolve => this.waiting.push(resolve))
    }
    else {
      this.running++
    }
    try {
      return await job()
    }
    finally {
      const next = this.waiting.shift()
      if (next) next()
      else this.running--
    }
  }
}
