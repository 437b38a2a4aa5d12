/**
 * Lets the event loop run other work (requests, queue batches) before continuing. An `await` on a
 * resolved promise only runs microtasks, so a long computation made of awaits still holds the
 * thread; a timer is a real turn of the loop, in Node and in workerd alike. Long CPU work
 * (clustering, embedding many texts) calls this between slices, counted in work done: workerd's
 * clocks stand still while code runs, so a time budget could not be measured there.
 */
export function yieldToLoop(): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, 0));
}
