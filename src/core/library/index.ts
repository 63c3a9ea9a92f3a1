// The library folder: history database plus content-addressed masks, outputs, previews, thumbnails.
export { Library, sha256Hex } from './library';
export { LibraryError, type LibraryErrorCode } from './errors';
export { LIBRARY_AREAS, defaultLibraryDir, isLibraryArea, parseRelPath, type LibraryArea } from './paths';
