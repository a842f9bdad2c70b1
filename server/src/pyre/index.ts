// Public entry of pyre, the Python 3.11 `re` syntax checker: parser, 3.10 differences, matcher and analysis.
export * from './ast';
export { parsePattern } from './parser';
export type { ParseResult, PyreError } from './parser';
export { py310Judgement } from './py310';
export { fullMatch, search, sub, split, matchSpans } from './match';
export type { MatchOptions, SearchResult } from './match';
export { canMatchEmpty, widthRange } from './analyze';
export { explainPattern, visible } from './explain';
