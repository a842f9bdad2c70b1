// The custom messages between the extension client and the language server. Plain names and shapes only, so the
// client bundle can import this file without pulling in any server code.

/**
 * Client → server notification: the complete set of document URIs to check as registries, besides every file named
 * `model_registry.json` (which the server always checks). Each notification replaces the previous set.
 */
export const REGISTRY_FILES_NOTIFICATION = 'clemRegistry/registryFiles';
export interface RegistryFilesParams {
  uris: string[];
}

/** Client → server request: what the language status item shows for one document. */
export const STATUS_REQUEST = 'clemRegistry/status';
export interface StatusParams {
  uri: string;
}
export interface StatusResult {
  isRegistry: boolean;
  /** The clemcore version the document is checked against. */
  version: string;
  entries: number;
  errors: number;
  warnings: number;
}

/** The settings section the server pulls with `workspace/configuration`. */
export const SETTINGS_SECTION = 'clemRegistry';

/** The file name that is always a registry, wherever it lies. */
export const REGISTRY_FILE_NAME = 'model_registry.json';

/** The client command that reveals a range of a document: `[uri, range]` (the code lens's link to the winning entry). */
export const GO_TO_ENTRY_COMMAND = 'clemRegistry.goToEntry';

/** "Test model entry" on a llamacpp or huggingface_local entry: `[uri, entryIndex, modelName]`. */
export const TEST_ENTRY_COMMAND = 'clemRegistry.testEntry';

/** "Preview template" on an entry with a chat template: `[uri, entryIndex, modelName]`. */
export const PREVIEW_TEMPLATE_COMMAND = 'clemRegistry.previewTemplate';
