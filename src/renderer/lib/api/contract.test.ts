import { describe, expect, it } from 'vitest';
import { API_METHODS, EXPORT_FORMATS } from '../../../shared/api';
import { CLIENT_API_METHODS, CLIENT_EXPORT_FORMATS } from './contract';

describe('renderer copy of the contract lists', () => {
  it('names exactly the API methods', () => {
    expect([...CLIENT_API_METHODS].sort()).toEqual([...API_METHODS].sort());
  });
  it('names exactly the export formats', () => {
    expect([...CLIENT_EXPORT_FORMATS]).toEqual([...EXPORT_FORMATS]);
  });
});
