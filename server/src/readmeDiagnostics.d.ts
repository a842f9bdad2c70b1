// The README's table of diagnostic codes, read into the bundles when they are built (build.mjs), so that the meaning
// of each code is written in one place: the README.
declare module 'clem-registry:readme-diagnostics' {
  export const DIAGNOSTICS_TABLE: readonly { code: string; severity: string; meaning: string }[];
}
