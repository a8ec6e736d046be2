// A process-wide change counter for the library's mutating methods (add*, allow*, promote, ...).
// Synth-time analysis uses it, with the number of constructs, to reuse one analysis across the
// several validation passes cdk8s makes during one synthesis, and to analyze afresh when the app
// changed between two synthesis calls.

let epoch = 0;

/**
 * Records that a construct of this library changed after construction.
 * @internal
 */
export function markChanged(): void {
  epoch++;
}

/**
 * The current change counter.
 * @internal
 */
export function changeEpoch(): number {
  return epoch;
}
