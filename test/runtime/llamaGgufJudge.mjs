// Judge for the GGUF tensor-table tests: opens each file with llama.cpp's own loader (node-llama-cpp's native
// addon, vocabulary only, below node-llama-cpp's JavaScript checks) and prints one JSON line per file: whether it
// loaded, and, when llama.cpp's GGUF reader refused it, the first error logged. Lines are written as they are judged, so that a file
// that makes llama.cpp abort costs only itself: the caller starts the judge again after it.
// Usage: node llamaGgufJudge.mjs NODE_LLAMA_CPP_ENTRY_URL FILE...
const [entry, ...files] = process.argv.slice(2);
const { getLlama, LlamaLogLevel } = await import(entry);
let log = [];
const llama = await getLlama({
  build: 'never', skipDownload: true, gpu: false, maxThreads: 2, logLevel: LlamaLogLevel.error,
  logger: (level, message) => { if (level === 'error') log.push(message.trim()); },
});
const settle = () => new Promise((resolve) => setTimeout(resolve, 30));
for (const file of files) {
  log = [];
  const model = new llama._bindings.AddonModel(file, { addonExports: llama._bindings, gpuLayers: 0, vocabOnly: true });
  const loaded = await model.init();
  if (loaded) await model.dispose();
  await settle();
  // The GGUF reader failed when it says so ("gguf_init_from_reader: failed to ..."); its reason is the first error.
  const failed = log.some((l) => l.startsWith('gguf_init_from_reader:'));
  process.stdout.write(`${JSON.stringify({ file, loaded, gguf: failed ? log[0] : null })}\n`);
}
