// Store rows → the DTOs of the API contract (src/shared/api.ts).
import type { EditDto, ModelDto, PhotoDto } from '../../shared/api';
import type { EditRow, ModelVersionRow, PhotoRow } from '../store';
import { photoName } from './files';
import { modelKind } from './inpainters';
import { recordedSourceArea } from './source-area';
import type { Library } from '../library';
import { hasEncoderFile } from '../train/session';

export function toPhotoDto(row: PhotoRow, previewFile: string): PhotoDto {
  return {
    id: row.id,
    name: photoName(row),
    path: row.path,
    sha256: row.sha256,
    width: row.width,
    height: row.height,
    format: row.format,
    importedAt: row.importedAt,
    previewFile,
  };
}

export function toEditDto(row: EditRow, previewFile: string): EditDto {
  return {
    id: row.id,
    photoId: row.photoId,
    parentId: row.parentId,
    kind: row.kind,
    engine: row.engine,
    modelVersionId: row.modelVersionId,
    params: row.params,
    maskFile: row.maskFile,
    sourceArea: recordedSourceArea(row.params),
    outputFile: row.outputFile,
    previewFile,
    durationMs: row.durationMs,
    createdAt: row.createdAt,
  };
}

/** `library`: to see whether a generator's z-encoder file is there. */
export function toModelDto(row: ModelVersionRow, library: Library): ModelDto {
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    architecture: row.architecture,
    source: row.source,
    kind: modelKind(row),
    summary: typeof row.metrics.summary === 'string' ? row.metrics.summary : null,
    encoder: modelKind(row) === 'generator' && hasEncoderFile(library, row),
    parentId: row.parentId,
    createdAt: row.createdAt,
  };
}
