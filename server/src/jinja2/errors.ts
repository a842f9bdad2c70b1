// The ways a template fails in Python's Jinja2: at compile time (TemplateSyntaxError, with the place when known), by
// calling raise_exception, or with any other exception while rendering.

export class TemplateSyntaxError extends Error {
  constructor(message: string, readonly offset?: number) {
    super(message);
  }
}

/** raise_exception(message) was called (llama-cpp-python raises ValueError, transformers TemplateError). */
export class RaisedException extends Error {}

export function errorMessage(e: unknown): string {
  if (e instanceof RangeError) return 'The template recurses too deeply.';
  return e instanceof Error ? e.message : String(e);
}
