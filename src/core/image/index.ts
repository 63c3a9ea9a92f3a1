// Public surface of src/core/image: decode/encode, safe writes, masks, metrics.
export * from './types';
export * from './errors';
export * from './io';
export * from './files';
export * from './mask';
export * from './metrics';
export { exifTiffPayload, setExifOrientation } from './exif';
