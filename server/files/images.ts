import sharp from 'sharp'
import type { Metadata, Sharp } from 'sharp'

/** Pixels an image may have: a 12-megapixel photo decodes to 48 MB; a small file that claims 100,000 x 100,000 is refused before it is decoded. */
export const MAX_IMAGE_PIXELS = 50_000_000
/**
 * AVIF decodes slowly and through several full-size buffers (a 1 KB AVIF of
 * 7071 x 7071 took 1.25 GB and 7 s): it gets a 4K frame, not 50 megapixels.
 */
export const MAX_PIXELS_BY_TYPE: Record<ImageType, number> = {
  'image/png': MAX_IMAGE_PIXELS,
  'image/jpeg': MAX_IMAGE_PIXELS,
  'image/gif': MAX_IMAGE_PIXELS,
  'image/webp': MAX_IMAGE_PIXELS,
  'image/avif': 3840 * 2160,
}
/** Every sharp operation (writing the image as served, its thumbnail) stops after this: a slow image cannot hold a slot for minutes. */
export const IMAGE_TIMEOUT_SECONDS = 10
/** The thumbnail fits in this square; the page reserves the image's size from width and height. */
export const THUMB_SIZE = 320

// One libvips thread per image: the server has other work, and images are
// made one (or a few) at a time anyway (ImageGate).
sharp.concurrency(1)
// libvips' own cache would keep decoded images around for nothing.
sharp.cache(false)

/** The image formats served as images (file-kinds.ts); defined here so the benchmark can compile this file alone. */
export type ImageType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp' | 'image/avif'

/** `tooLarge`: past the pixel limit or the time limit (413); otherwise unreadable (415). */
/** The formats an image is served in. */
export type ServedType = Exclude<ImageType, 'image/avif'>

export class ImageRefused extends Error {
  constructor(message: string, readonly tooLarge = false) {
    super(message)
  }
}

export interface MadeImage {
  width: number
  height: number
  /** The format as served: the upload's, except AVIF, served as JPEG (see makeImage). */
  type: ServedType
}

/**
 * Writes the image as served (same format, EXIF orientation applied, every
 * metadata block left out: no GPS, no camera serial) and its thumbnail (WebP).
 * An animated GIF or WebP keeps its frames; its thumbnail is the first one.
 * An AVIF is served as a JPEG: libheif's AVIF encoder runs after libvips has
 * the pixels, where the time limit cannot stop it (a 4K frame of noise took
 * 90 s), while a JPEG is written row by row as the pixels come.
 */
export async function makeImage(source: string, type: ImageType, servedPath: string, thumbPath: string): Promise<MadeImage> {
  const maxPixels = MAX_PIXELS_BY_TYPE[type]
  const options = { limitInputPixels: maxPixels, animated: type === 'image/gif' || type === 'image/webp' }
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
  if (framePixels > maxPixels || framePixels * pages > maxPixels * 4) throw new ImageRefused(`${type} images are limited to ${Math.floor(maxPixels / 1e5) / 10} megapixels`, true)
  try {
    // Rotating by EXIF only applies to still images; frames of an animation carry no EXIF.
    const served = pages > 1 ? sharp(source, options) : sharp(source, options).autoOrient()
    const servedType: ServedType = type === 'image/avif' ? 'image/jpeg' : type
    const encoded = encodeAs(servedType === type ? served : served.flatten({ background: '#ffffff' }), servedType).timeout({ seconds: IMAGE_TIMEOUT_SECONDS })
    const info = await encoded.toFile(servedPath)
    // An AVIF is not decoded twice: its thumbnail comes from the JPEG just written.
    await makeThumbnail(servedType === type ? source : servedPath, thumbPath, maxPixels)
    return { width: info.width, height: pages > 1 ? (info.pageHeight ?? frameHeight) : info.height, type: servedType }
  }
  catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    if (/timeout/i.test(message)) throw new ImageRefused(`the image took longer than ${IMAGE_TIMEOUT_SECONDS} s to make`, true)
    throw new ImageRefused(`the image could not be read: ${message}`)
  }
}

/** The first frame, turned by EXIF, fit in THUMB_SIZE (a JPEG is shrunk while it is decoded, which makes this fast). */
export async function makeThumbnail(source: string, thumbPath: string, maxPixels = MAX_IMAGE_PIXELS): Promise<void> {
  await sharp(source, { limitInputPixels: maxPixels })
    .autoOrient()
    .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 70 })
    .timeout({ seconds: IMAGE_TIMEOUT_SECONDS })
    .toFile(thumbPath)
}

// Without withMetadata() sharp writes no EXIF, XMP or IPTC: that is the point.
function encodeAs(image: Sharp, type: ServedType): Sharp {
  switch (type) {
    case 'image/jpeg': return image.jpeg({ quality: 88 })
    case 'image/png': return image.png()
    case 'image/gif': return image.gif()
    case 'image/webp': return image.webp({ quality: 85 })
  }
}
