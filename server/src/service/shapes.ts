// V8 compiles property reads against the hidden class ("map") of the objects it has seen. A full garbage collection
// drops a map once no object of it is left, and deoptimizes every function compiled against it ("weak objects" in
// --trace-deopt). The objects a check makes per entry (contexts, lazy nodes, decoded strings, summaries) all die with
// the check, so after each full collection the rules ran unoptimized until V8 had re-learnt and recompiled them, which
// made the next check two to three times slower. One object of each such class, kept for the life of the process,
// keeps its map and with it the compiled code.

const kept: object[] = [];

/** Keeps `sample` (one object of a class made per check) alive, so that its hidden class outlives full collections. */
export function keepShape(sample: object): void {
  kept.push(sample);
}
