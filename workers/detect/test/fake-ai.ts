/** A Workers AI binding with the real `run(model, inputs)` shape, answering as told and recording calls. */
export function fakeAi(answer: (inputs: Record<string, unknown>) => unknown) {
	const calls: { model: string; inputs: Record<string, unknown> }[] = [];
	const ai = {
		async run(model: string, inputs: Record<string, unknown>) {
			calls.push({ model, inputs });
			return answer(inputs);
		},
	};
	return { ai: ai as unknown as Ai, calls };
}
