import { elementwiseRules } from './elementwise';
import { linalgRules } from './linalg';
import { normRules } from './norm';
import { shapeRules } from './shape-ops';
import type { VjpRule } from './types';

export type { VjpRule } from './types';

/** The rule table: one VJP per op type. An op without an entry cannot be differentiated. */
export const VJP_RULES: Readonly<Record<string, VjpRule>> = {
  ...elementwiseRules,
  ...linalgRules,
  ...shapeRules,
  ...normRules,
};
