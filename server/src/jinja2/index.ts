// Python's Jinja2 as clemcore's runtimes use it (llama-cpp-python, transformers, a plain jinja2.Template): lexing with
// positions, analysis of a template's problems, its whitespace, and rendering. The service, the runtime, Preview
// template and the dry run all use this package; it imports neither of them.
export { defaultVariables, renderTemplate, type RenderOutcome, type RenderRequest, type TemplateEnvironment } from './render';
export { analyzeTemplate, templateCacheSize, type TemplateAnalysis } from './analysis';
export type { TemplateProblem } from './syntaxProblems';
export { JinjaLexError, preprocessWithMap, tokenizeWithPositions, type JinjaTokenType, type PositionedToken } from './positionedLexer';
export { endMarkerOf } from './endMarker';
export { whitespaceDifferences, type TemplateEdit, type WhitespaceDifference, type WhitespaceKind } from './whitespace';
export { PY_SPACE, TRAILING_SPACE } from './pySpace';
